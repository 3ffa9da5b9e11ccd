"""The interface's translations: extract, update, check, and merge partial catalogues.

    python scripts/translations.py update       # `make translations`: extract every marked string
                                                # (babel.cfg, hub.i18n.KEYWORDS) into
                                                # hub/translations/messages.pot, update each language's
                                                # messages.po (translations kept), then check them
    python scripts/translations.py check        # exit 1 on any string a catalogue leaves untranslated
                                                # or fuzzy, or a translation that breaks a placeholder
    python scripts/translations.py merge-parts  # update, then fill empty or fuzzy entries from
                                                # hub/translations/parts/<part>.<lang>.po (first
                                                # non-empty translation wins) and list what is left

No .mo file is written: hub compiles each messages.po in memory when a language is first used
(hub.i18n), so the wheel carries the .po files and nothing can go stale.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # hub.i18n from this checkout, wherever the script is run from

from hub.i18n import DEFAULT_LANGUAGE, KEYWORDS, LANGUAGES  # noqa: E402  # after the path above

TRANSLATIONS = ROOT / "hub" / "translations"
SOURCES = ("hub", "templates")  # what babel.cfg's patterns can match: nothing else is walked
TARGETS = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)  # English is the source
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\{\s*(\w+)\s*\}\}")


def extract(root: Path = ROOT) -> Catalog:
    """Every marked string in ``root``'s sources, as babel.cfg and hub.i18n.KEYWORDS say."""
    with (root / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    catalog = Catalog(project="hub", charset="utf-8", fuzzy=False)

    def wanted(path: str) -> bool:  # templates/_macros too (Babel's default skips "_" folders)
        relative = Path(path).relative_to(root).parts
        return bool(relative) and relative[0] in SOURCES and not any(
            p.startswith(".") or p == "__pycache__" for p in relative)

    found = extract_from_dir(str(root), method_map, options_map, keywords=keywords, directory_filter=wanted)
    for filename, _lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, None)], auto_comments=comments, context=context)
    return catalog


def catalogue_path(language: str, translations: Path = TRANSLATIONS) -> Path:
    return translations / language / "LC_MESSAGES" / "messages.po"


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=language)


def write(catalog: Catalog, path: Path) -> None:
    """A catalogue as .po: file names without line numbers (a moved line changes nothing), no
    obsolete entries (git keeps the history)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def update(translations: Path = TRANSLATIONS, root: Path = ROOT) -> dict[str, Catalog]:
    """Extract into messages.pot and bring each language's messages.po up to date with it."""
    template = extract(root)
    pot = translations / "messages.pot"
    if pot.is_file() and ids(read(pot)) == ids(template):
        template.creation_date = read(pot).creation_date  # nothing new: the file stays the same
    write(template, pot)
    catalogs = {}
    for language in TARGETS:
        path = catalogue_path(language, translations)
        catalog = read(path, language) if path.is_file() else Catalog(locale=language, project="hub", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)  # a guess would only look translated
        write(catalog, path)
        catalogs[language] = read(path, language)
    return catalogs


def is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not message.fuzzy and all(s for s in strings)


def untranslated(catalog: Catalog) -> list[str]:
    """The msgids (singular) that are missing a translation or are fuzzy."""
    return [_singular(m) for m in catalog if m.id and not is_translated(m)]


def _singular(message: Message) -> str:
    return str(message.id[0] if isinstance(message.id, (list, tuple)) else message.id)


def placeholders(text: str) -> list[str]:
    return sorted(a or b for a, b in PLACEHOLDER.findall(text))


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Translations whose named placeholders (%(name)s, {{ name }}) differ from the English."""
    problems = []
    for message in catalog:
        if not message.id or not is_translated(message):
            continue
        sources = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
        wanted = set(placeholders(sources[-1])) | set(placeholders(sources[0]))
        for string in strings:
            got = set(placeholders(string))
            # a plural's singular may spell out "one" instead of %(num)d, in English and translated alike
            if got != wanted and not (len(sources) > 1 and got == wanted - {"num"}):
                problems.append(f"{_singular(message)!r}: {sorted(got)} instead of {sorted(wanted)}")
    return problems


def compiles(catalog: Catalog) -> None:
    """Compile in memory as hub does at start-up (raises on a broken catalogue)."""
    write_mo(io.BytesIO(), catalog, use_fuzzy=False)


def check(catalogs: dict[str, Catalog]) -> int:
    """Print what is untranslated or broken; the number of problems."""
    problems = 0
    for language, catalog in catalogs.items():
        compiles(catalog)
        missing, broken = untranslated(catalog), placeholder_problems(catalog)
        total = len([m for m in catalog if m.id])
        print(f"{language}: {total - len(missing)} of {total} translated")
        for msgid in missing:
            print(f"  untranslated: {msgid!r}")
        for problem in broken:
            print(f"  placeholder: {problem}")
        problems += len(missing) + len(broken)
    return problems


@dataclass
class MergeReport:
    filled: dict[str, int] = field(default_factory=dict)  # language: entries filled from parts
    conflicts: list[str] = field(default_factory=list)  # a msgid two parts translate differently
    unused: dict[str, int] = field(default_factory=dict)  # language: part entries the source no longer has


def _parts(parts: Path, language: str) -> Iterator[tuple[str, Catalog]]:
    for path in sorted(parts.glob(f"*.{language}.po")):
        yield path.name, read(path, language)


def merge_parts(catalogs: dict[str, Catalog], parts: Path) -> MergeReport:
    """Fill each catalogue's empty or fuzzy entries from the part files (first non-empty wins)."""
    report = MergeReport()
    for language, catalog in catalogs.items():
        filled, unused = 0, 0
        chosen: dict[object, tuple[str, object]] = {}
        for name, part in _parts(parts, language):
            for message in part:
                if not message.id or not is_translated(message):
                    continue
                key = (message.id, message.context) if message.context else message.id
                target = catalog.get(message.id, message.context)
                if target is None:
                    unused += 1
                    continue
                if key in chosen:
                    first_part, first = chosen[key]
                    if first != message.string:
                        report.conflicts.append(f"{language} {_singular(message)!r}: {first_part} kept, {name} differs")
                    continue
                chosen[key] = (name, message.string)
                if not is_translated(target) and _same_shape(target, message):
                    target.string = message.string
                    target.flags.discard("fuzzy")
                    filled += 1
        report.filled[language], report.unused[language] = filled, unused
    return report


def _same_shape(target: Message, source: Message) -> bool:
    """Both plural or both singular (a part made from older source may differ)."""
    return isinstance(target.id, (list, tuple)) == isinstance(source.id, (list, tuple))


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["update", "check", "merge-parts"], nargs="?", default="update")
    parser.add_argument("--parts", type=Path, default=TRANSLATIONS / "parts", help="where merge-parts reads from")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "check":
        catalogs = {code: read(catalogue_path(code), code) for code in TARGETS}
        return 1 if check(catalogs) else 0
    catalogs = update()
    if args.command == "merge-parts":
        report = merge_parts(catalogs, args.parts)
        for language, catalog in catalogs.items():
            write(catalog, catalogue_path(language))
            print(f"{language}: {report.filled[language]} filled from parts, "
                  f"{report.unused[language]} part entries no longer in the source")
        for conflict in report.conflicts:
            print(f"  differs: {conflict}")
    problems = check(catalogs)
    print(f"{problems} problem(s). `python scripts/translations.py check` fails until there are none.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
