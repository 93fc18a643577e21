"""Layout learning on generated sites: `python -m bench.bench_learn [--sites N] [--learn 4] [--check 12]`.

Each site is a random layout (tests/sitegen.py) around real Dân trí articles read from
../shared/data; a rule is learned from `--learn` pages and checked field by field on `--check`
other pages. Prints the rate per field; nothing here asserts.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from crawler.extraction import extract_article
from crawler.extraction.learn import LearnError, learn
from tests import sitegen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=40, help="generated sites (layouts)")
    parser.add_argument("--learn", type=int, default=4, help="pages learned from per site")
    parser.add_argument("--check", type=int, default=12, help="other pages checked per site")
    parser.add_argument("--seed", type=int, default=1000, help="first layout seed")
    args = parser.parse_args()
    if not sitegen.have_data():
        sys.exit(f"skipped: {sitegen.DANTRI} is absent")
    pool = sitegen.articles()
    passed: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    refused = 0
    started = time.perf_counter()
    for seed in range(args.seed, args.seed + args.sites):
        pages = list(sitegen.site(seed, pool, args.learn + args.check))
        try:
            learned = learn([(f"p{i}.html", html) for i, (html, _) in enumerate(pages[: args.learn])])
        except LearnError as exc:
            refused += 1
            print(f"site {seed}: not learned ({exc})")
            continue
        for html, truth in pages[args.learn :]:
            got = extract_article(html, "https://unseen.example.vn/bai.html", rule=learned.rule)
            for field, ok in sitegen.checks(got, truth).items():
                passed[field] += ok
                checked[field] += 1
    seconds = time.perf_counter() - started
    print(f"{args.sites} generated sites, learned from {args.learn} pages each, checked on {args.check} others")
    for field in checked:
        print(f"  {field:<7} {passed[field]:>5}/{checked[field]:<5} {100 * passed[field] / checked[field]:6.1f} %")
    total = sum(checked.values())
    print(f"  {'all':<7} {sum(passed.values()):>5}/{total:<5} {100 * sum(passed.values()) / max(1, total):6.1f} %")
    print(f"  sites not learned: {refused}; {seconds / max(1, args.sites):.2f} s per site (learning + checking)")


if __name__ == "__main__":
    main()
