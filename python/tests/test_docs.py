# ---------------------------------------------------------------------------
# Every relative link in the repository's Markdown resolves: the file exists
# and, for a link into a Markdown file, the #anchor names one of its headings
# (GitHub's rule: lower case, punctuation but '-' and '_' dropped, spaces to
# '-', a repeated heading gets -1, -2, ...). Docs are long and cross-linked,
# and a renamed section otherwise breaks links silently.
# ---------------------------------------------------------------------------
import os
import re
import unittest

from support import REPO

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)


def slug(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set:
    seen = {}
    out = set()
    for match in _HEADING.finditer(_FENCE.sub("", text)):
        s = slug(match.group(2))
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else f"{s}-{n}")
    return out


def broken_links(repo: str) -> list:
    texts = {}

    def read(path):
        if path not in texts:
            with open(path, encoding="utf-8") as f:
                texts[path] = f.read()
        return texts[path]

    broken = []
    for root, dirs, files in os.walk(repo):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "build")))
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            path = os.path.join(root, name)
            for match in _LINK.finditer(_FENCE.sub("", read(path))):
                link = match.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", link):  # https:, mailto:
                    continue
                target, _, fragment = link.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
                where = f"{os.path.relpath(path, repo)}: ({link})"
                if not os.path.exists(resolved):
                    broken.append(f"{where}: no such file")
                elif fragment and resolved.endswith(".md") and fragment not in anchors(read(resolved)):
                    broken.append(f"{where}: no heading with that anchor")
    return broken


class DocLinksTest(unittest.TestCase):
    def test_slug_follows_githubs_rule(self):
        self.assertEqual(slug("Issue 9's bars at a glance (2026-12-05)"), "issue-9s-bars-at-a-glance-2026-12-05")
        self.assertEqual(slug("greedy (`lib/Search/Greedy.cpp`)"), "greedy-libsearchgreedycpp")
        self.assertEqual(anchors("# A\n```\n# not a heading\n```\n## A\n"), {"a", "a-1"})

    def test_every_relative_link_resolves(self):
        self.assertEqual(broken_links(REPO), [])


if __name__ == "__main__":
    unittest.main()
