"""``python -m geo.extract``: candidate incidents of one report, or of many, as JSON.

One file prints the JSON list of its candidates. Several files, or a folder (its ``*.txt``
files, in name order), are extracted in one process with one geocoder (batch mode): the
gazetteer index is opened once and the output is a JSON object mapping each file to its
candidates.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from geo.extract.pipeline import candidates_json, extract
from geo.geocoding.geocoder import default_geocoder


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the candidates of one article, or of many, as JSON.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (defaults to ``sys.argv[1:]``). Several article
        files, or a folder of ``*.txt`` files, are extracted in one process with one
        geocoder (batch mode).

    Returns
    -------
    int
        0 on success, 2 for a usage error (missing file, empty folder, bad date).
    """
    parser = argparse.ArgumentParser(
        prog="python -m geo.extract",
        description="Extract candidate incidents from news reports (printed as JSON).",
    )
    parser.add_argument("articles", nargs="+", metavar="ARTICLE",
                        help="text file(s) of the report(s) (UTF-8), or a folder of *.txt "
                             "files; with several, a JSON object maps each file to its "
                             "candidates")
    parser.add_argument("--published", help="publication date, YYYY-MM-DD (of every file)")
    parser.add_argument("--source", default="", help="outlet name, recorded as source_name")
    parser.add_argument("--url", default="", help="address of the report")
    parser.add_argument("--title", default="", help="title of the report")
    args = parser.parse_args(argv)
    published = None
    if args.published:
        try:
            published = date.fromisoformat(args.published)
        except ValueError:
            parser.exit(2, f"error: --published {args.published!r} is not a date "
                           "(expected YYYY-MM-DD)\n")
    paths = _article_paths(parser, args.articles)
    texts: dict[str, str] = {}
    for path in paths:
        try:
            texts[str(path)] = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            parser.exit(2, f"error: no such file: {path}\n")
        except (OSError, UnicodeDecodeError) as exc:
            parser.exit(2, f"error: cannot read {path}: {exc}\n")
    if published is None:
        print("warning: no --published date; dates without a year stay unknown",
              file=sys.stderr)
    geocoder = default_geocoder()  # the compact index: opened once for every file
    results = {
        name: extract(article, published, source_name=args.source, source_url=args.url,
                      title=args.title, geocoder=geocoder)
        for name, article in texts.items()
    }
    if len(args.articles) == 1 and not Path(args.articles[0]).is_dir():
        print(candidates_json(next(iter(results.values()))))
    else:
        print(json.dumps({name: [c.to_json() for c in found] for name, found in results.items()},
                         ensure_ascii=False, indent=2))
    return 0


def _article_paths(parser: argparse.ArgumentParser, names: Sequence[str]) -> list[Path]:
    """The files named, a folder standing for its ``*.txt`` files (in name order)."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if not path.is_dir():
            paths.append(path)
            continue
        found = sorted(p for p in path.glob("*.txt") if p.is_file())
        if not found:
            parser.exit(2, f"error: the folder {path} holds no .txt file\n")
        paths.extend(found)
    return list(dict.fromkeys(paths))


if __name__ == "__main__":
    sys.exit(main())
