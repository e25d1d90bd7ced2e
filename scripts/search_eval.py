"""Measured relevance: recall@10 and MRR of search over tests/search/questions.yaml.

    DATABASE_URL=... .venv/bin/python scripts/search_eval.py      # or: make search-eval

Runs each question's query through the search the page and the API use, on the
database DATABASE_URL names (its index as the app keeps it), and prints recall@10 (the
share of a question's answers among the first ten hits, averaged) and MRR (one over the
rank of the first answer in the first ten, averaged), overall and per question type.
`--misses` lists the questions whose answers were not all found. An answer that names no
published record is an error: the question set must follow the data.
"""

import argparse
import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "search" / "questions.yaml"
DEPTH = 10


@dataclass
class Score:
    question: dict
    found: list  # (kind:id, rank or None)

    @property
    def recall(self):
        return sum(rank is not None for _, rank in self.found) / len(self.found)

    @property
    def reciprocal_rank(self):
        ranks = [rank for _, rank in self.found if rank is not None]
        return 1 / min(ranks) if ranks else 0.0


def load_questions(path=QUESTIONS):
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def evaluate(questions):
    """A Score per question; raises ValueError for an answer naming no published record."""
    from portal.models import SearchEntry
    from portal.search import search

    known = {f"{kind}:{public_id}" for kind, public_id in SearchEntry.objects.values_list(
        "kind", "public_id")}  # fmt: skip
    scores = []
    for question in questions:
        missing = [answer for answer in question["answers"] if answer not in known]
        if missing:
            raise ValueError(f"{question['question']!r}: no published record {missing}")
        hits = search(query=question["query"], page_size=DEPTH).hits
        ranks = {f"{hit.type}:{hit.id}": rank for rank, hit in enumerate(hits, start=1)}
        scores.append(Score(question, [(a, ranks.get(a)) for a in question["answers"]]))
    return scores


def summary(scores):
    """{"all": (count, recall, mrr), type: (...)}."""
    groups = defaultdict(list)
    for score in scores:
        groups["all"].append(score)
        groups[score.question["type"]].append(score)
    return {
        name: (
            len(group),
            sum(s.recall for s in group) / len(group),
            sum(s.reciprocal_rank for s in group) / len(group),
        )
        for name, group in groups.items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list questions not fully answered")
    parser.add_argument("--questions", default=str(QUESTIONS))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection

    try:
        scores = evaluate(load_questions(args.questions))
    except ValueError as error:
        sys.exit(f"search_eval: {error}")
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"{'type':<12} {'questions':>9} {'recall@10':>10} {'MRR':>6}")
    for name, (count, recall, mrr) in sorted(summary(scores).items(), key=lambda i: i[0] != "all"):
        print(f"{name:<12} {count:>9} {recall:>9.1%} {mrr:>6.3f}")
    if args.misses:
        for score in scores:
            if score.recall < 1:
                print(f"- {score.question['query']!r} ({score.question['type']}): {score.found}")


if __name__ == "__main__":
    main()
