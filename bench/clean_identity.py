"""The cleaner's outputs on many pages, to check two versions give the same.

Dumps (content spans, title, published, dateline, source) of every page: the
scrapinghub benchmark pages (rendered as ``copytrace eval extraction`` does),
tests/data pages and JSONL texts, examples/, the gen-10k corpus ($GEN articles,
all by default) and 1,500 fuzzed pages (their lines with odd fragments).
MODE ``each`` cleans page by page (``clean``), ``many`` through
``stages.clean_articles`` (the scan's path, ``clean_many`` where it exists).
All pages are cleaned twice: without chrome, and with the chrome a
``ChromeLearner`` learns over them (ids prefixed ``c:``). With FP=1 (the
default) the fingerprints of every cleaned page are dumped too (ids ``fp:``).

Usage (the start commit's code beside the working tree's):
    git archive 82eb675 src | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old/src python bench/clean_identity.py /tmp/old.pkl each
    python bench/clean_identity.py /tmp/new.pkl many
    python bench/clean_identity.py --compare /tmp/old.pkl /tmp/new.pkl
"""

# ruff: noqa
import sys, json, pickle, random, glob, os, itertools

if sys.argv[1] == "--compare":
    a, b = (pickle.load(open(p, "rb")) for p in sys.argv[2:4])
    assert [k for k, _ in a] == [k for k, _ in b], "page lists differ"
    bad = [(k, x, y) for (k, x), (_, y) in zip(a, b) if x != y]
    print(f"{len(a)} pages compared, {len(bad)} differ")
    for k, x, y in bad[:5]:
        print(k, x, y, sep="\n  ")
    sys.exit(1 if bad else 0)
from copytrace.model import Article
from copytrace import clean as cl, stages
from copytrace.eval.extraction import load_pages

R = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pages = []  # (key, text, source)
for p in load_pages(os.environ.get("SCRAPINGHUB", "/work/shared/data/extraction/scrapinghub")):
    pages.append(("sh:" + p.id, p.text, None))
for p in load_pages(f"{R}/tests/data/clean/scrapinghub"):
    pages.append(("tsh:" + p.id, p.text, None))
for f in sorted(glob.glob(f"{R}/tests/data/**/*.txt", recursive=True)) + sorted(
    glob.glob(f"{R}/examples/*.txt")
):
    try:
        pages.append(("f:" + f, open(f, encoding="utf-8").read(), None))
    except UnicodeDecodeError:
        pages.append(("f:" + f, open(f, encoding="latin-1").read(), None))
for f in sorted(glob.glob(f"{R}/tests/data/**/*.jsonl", recursive=True)):
    for i, line in enumerate(open(f, encoding="utf-8")):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if not isinstance(r, dict):
            continue
        if r.get("text"):
            pages.append((f"j:{f}:{i}", r["text"], r.get("source")))
n_gen = int(os.environ.get("GEN", "10000"))
gen = [
    json.loads(l)
    for l in itertools.islice(
        open(os.environ.get("GEN_FILE", "/work/bench-data/gen-10k/articles.jsonl")), n_gen
    )
]
for r in gen:
    pages.append(("g:" + r["id"], r["text"], r.get("source")))
# fuzzed pages: lines of real pages with odd fragments inserted
rng = random.Random(7)
frags = [
    "İ",
    "ı",
    "ſ",
    "K",
    "ß",
    "©",
    "ﬁ",
    "—",
    "’",
    "‘",
    "“",
    "”",
    "·",
    "›",
    "…",
    "™",
    "®",
    "«",
    "»",
    "•",
    "é",
    "ć",
    "ABC",
    "Ab",
    "aB",
    "x.y",
    "'s",
    "..",
    "2019",
    "1.5",
    "3:45",
    "|",
    " / ",
    "http://a.b",
    "a@b.co",
    "{{x}}",
    "[[a]]",
    "${a}",
    "Photo: AFP",
    "Reuters",
    "\t",
    "\x0b",
    "\u00a0",
    "_",
    "12.",
    "Share",
    "Sign up",
    "Comments",
    "says:",
    "May 3, 2019",
    "Updated 9:56 UTC+3",
    "CamelCaseWord",
    "Title?Next",
    "\r\n",
    "\n\n",
    "Привет",
    "日本語",
]
base = [t for _, t, _ in pages[:200]] + [r["text"] for r in gen[:1300]]
for j, t in enumerate(base):
    L = t.split("\n")
    for _ in range(rng.randint(1, 12)):
        i = rng.randrange(len(L))
        s = list(L[i])
        at = rng.randint(0, len(s))
        s[at:at] = rng.choice(frags)
        L[i] = "".join(s)
    pages.append((f"z:{j}", "\n".join(L), None))
arts = [Article(id=k, text=t, source=s) for k, t, s in pages]
# Again with learned chrome: the fuzzed pages take their base page's source (or
# one of a few made-up ones), the chrome is learned over all of them.
srcs = [s for _, _, s in pages[:200]] + [r.get("source") for r in gen[:1300]]
carts = [
    Article(id="c:" + a.id, text=a.text, source=a.source or f"s{i % 7}") for i, a in enumerate(arts)
]
for i, a in enumerate(carts):
    if a.id.startswith("c:z:"):
        j = int(a.id[4:])
        carts[i] = Article(id=a.id, text=a.text, source=srcs[j] or f"s{j % 7}")
from copytrace.chrome import ChromeLearner, chrome_for

learner = ChromeLearner()
for a in carts:
    learner.add(a.source, a.text)
model = learner.finish()
mode = sys.argv[2]
if mode == "many":
    out = stages.clean_articles(arts) + stages.clean_articles(carts, model)
else:
    out = [cl.clean(a) for a in arts] + [
        cl.clean(a, chrome_for(model, a.source, a.text)) for a in carts
    ]
res: list[tuple[str, object]] = [
    (a.id, (a.content, a.title, a.published, a.dateline, a.source)) for a in out
]
if os.environ.get("FP", "1") == "1":
    # The scan's fingerprints of the cleaned pages (as engines/local.py makes
    # them), in batches of 1,000: each page's (hash, pos) rows.
    from copytrace.fingerprint import content_text, fingerprint_texts

    for i in range(0, len(out), 1000):
        chunk = out[i : i + 1000]
        fp = fingerprint_texts([content_text(a) if a.content else "" for a in chunk])
        for j, a in enumerate(chunk):
            lo, hi = fp.doc.searchsorted([j, j + 1])
            res.append(("fp:" + a.id, (fp.hash[lo:hi].tobytes(), fp.pos[lo:hi].tobytes())))
pickle.dump(res, open(sys.argv[1], "wb"))
print(len(res), "pages dumped", mode)
