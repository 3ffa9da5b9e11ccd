"""Packaging: everything lives in pyproject.toml except the package list, which setuptools' pyproject
tables cannot express: hub's own packages (found, so a new domain is never left out) plus the
repository's top-level templates/, static/ and migrations/, shipped inside the wheel as
hub.templates, hub.static and hub.migrations (their files are package data, see pyproject.toml)."""

from setuptools import find_namespace_packages, find_packages, setup

DATA_PACKAGES = {"hub.templates": "templates", "hub.static": "static", "hub.migrations": "migrations"}


def data_packages() -> list[str]:
    """Each data folder and its subfolders, named as packages (setuptools ships folders as packages)."""
    names = []
    for package, folder in DATA_PACKAGES.items():
        subfolders = find_namespace_packages(where=folder, exclude=["__pycache__", "*.__pycache__"])
        names += [package, *(f"{package}.{sub}" for sub in subfolders)]
    return names


# The interface's catalogues: folders of .po files (hub.i18n reads them), shipped as namespace packages.
TRANSLATIONS = find_namespace_packages(include=["hub.translations", "hub.translations.*"])

setup(packages=[*find_packages(include=["hub", "hub.*"]), *TRANSLATIONS, *data_packages()], package_dir=DATA_PACKAGES)
