"""Migrate the Wagtail site's database and publish one BenchPage with the title and body of the
file named by BENCH_BARE_PAGE (title on the first line); prints the page's path."""

import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from wagtail.models import Site  # noqa: E402

from benchpages.models import BenchPage  # noqa: E402

call_command("migrate", verbosity=0)
title, _, body = Path(os.environ["BENCH_BARE_PAGE"]).read_text(encoding="utf-8").partition("\n")
home = Site.objects.get(is_default_site=True).root_page
page = BenchPage(title=title, slug="bench-post", body=body)
home.add_child(instance=page)
page.save_revision().publish()
print(page.relative_url(Site.objects.get(is_default_site=True)))
