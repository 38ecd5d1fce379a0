"""Every saved query answers its question on the seed graph with a hand-checked result
(issue 5), on the embedded store and on a real Oxigraph server.

The expected rows below were worked out from seeds/*.txt and the merge rules of MODEL.md (the
same paper on several pages counts once; its author list is the longest one printed), not
copied from the engine. A paper's dcterms:creator values are its printed names plus the
person of every profile or abstract-only page that lists it (Xingtai Lv of all 17 papers on
page 001, Biqing Qi of all 29 on page 004, even behind "et al."); its kg:Authorship nodes
hold the printed names only.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from querytest import answer, columns, values

from kg.sparql.endpoint import run_remote
from kg.sparql.saved import (
    bind,
    library,
    run_local,
)

ROOT = Path(__file__).resolve().parents[2]
P000, P001, P002, P003, P004 = (
    "000_75f573afd22e8082.txt",
    "001_6a2e0b437ba59670.txt",
    "002_1a5fe52f65ecc1db.txt",
    "003_1e15edc5c0b8441e.txt",
    "004_0db25c8019068f0b.txt",
)

LIBRARY = library()
NAMES = [q.name for q in LIBRARY]


def test_the_library_covers_the_issue() -> None:
    assert len(LIBRARY) >= 14
    assert set(NAMES) == set(EXPECTED), "every saved query needs a hand-checked answer below"
    readme = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    assert {n for n in NAMES if f"| `{n}` |" not in readme} == set(), "list it in the README"


# -- hand-checked answers on the seeds ----------------------------------------------------

KZ_COAUTHORS = [
    # Biqing Qi, printed on: CRaSh, Zero Shot Hypothesis Proposers, Biomedical Hypothesis
    # Generators, Towards Building Specialized Generalist AI, Intuitive Fine-Tuning, PaD; and,
    # as the person of page 004, behind "et al." on: Survey of RL, Fast and Slow Generating,
    # UltraMedical, TTRL, CoGenesis, GenPRM.
    ("Biqing Qi", "12"),
    # Xingtai Lv, printed on: Post-Trained MoE, Scalable Efficient Training, Technologies; as
    # the person of page 001: Survey of RL, Fast and Slow Generating, UltraMedical,
    # Intuitive Fine-Tuning.
    ("Xingtai Lv", "7"),
    ("Ermo Hua", "3"),  # CoGenesis, UltraMedical, Intuitive Fine-Tuning
    ("Ning Ding", "3"),  # CRaSh, Fast and Slow Generating, Scalable Efficient Training
    ("Jianyu Wang", "2"),  # CoGenesis, Fast and Slow Generating
    ("Li Sheng", "2"),  # TTRL, Post-Trained MoE
    ("Yuxin Zuo", "2"),  # TTRL, Survey of RL
    ("Bingxiang He", "1"),
    ("Bowen Zhou", "1"),
    ("Haoxiang Li", "1"),
    ("Jian Zhao", "1"),
    ("Kai Tian", "1"),
    ("Runze Liu", "1"),
    ("Sihang Zeng", "1"),
    ("Xuekai Zhu", "1"),
    ("Youbang Sun", "1"),
]
PER_TOPIC_YEAR = [  # topic, year, papers, with code (merged: any Code flag or repository)
    ("CV", "2024", "1", "1"),
    ("CV", "2025", "3", "1"),
    ("SI", "2018", "1", "0"),
    ("ST", "2022", "1", "0"),
    ("cs.AI", "2024", "5", "1"),
    ("cs.AI", "2025", "4", "2"),
    ("cs.CL", "2020", "1", "0"),
    ("cs.CL", "2021", "1", "0"),
    ("cs.CL", "2023", "6", "3"),
    ("cs.CL", "2024", "12", "6"),
    ("cs.CL", "2025", "11", "9"),
    ("cs.CL", "2026", "1", "0"),
    ("cs.LG", "2023", "1", "1"),
    ("cs.LG", "2024", "3", "3"),
    ("cs.LG", "2025", "7", "0"),
    ("cs.LG", "2026", "1", "0"),
    ("cs.NE", "2024", "1", "0"),
    ("q-fin.CP", "2022", "1", "0"),
]
CL_REPOSITORIES = {  # the papers with code in cs.CL that link a repository (title starts)
    ("A Survey of Reinforcement Learning", "TsinghuaC3I/Awesome-RL-for-LRMs"),
    ("CRaSh: Clustering, Removing, and S", "TsinghuaC3I/CRaSh"),
    ("Fast and Slow Generating: An Empir", "TsinghuaC3I/FS-GEN"),
    ("UltraMedical: Building Specialized", "TsinghuaC3I/UltraMedical"),
    ("TTRL: Test-Time Reinforcement Lear", "PRIME-RL/TTRL"),
    ("Learning from Failures in Multi-At", "DualityRL/multi-attempt"),
    ("Finite State Automata Inside Trans", "IvanChangPKU/FSA"),
    ("PaD: Program-aided Distillation Ca", "Xuekai-Zhu/pad"),
}
FLAG_WITHOUT_REPOSITORY = [  # listings printing Code whose abstract links no repository
    (P001, "12"),  # OpenDelta
    (P002, "13"),  # CoGenesis
    (P003, "10"),  # Learning from Peers (a github.io project page only)
    (P003, "19"),  # Thinker
    (P004, "12"),  # Zero Shot Hypothesis Proposers
    (P004, "26"),  # Biomedical Hypothesis Generators
    (P004, "61"),  # GenPRM (github.io)
    (P004, "68"),  # Interactive Continual Learning (github.com/ICL: no repository name)
    (P004, "75"),  # CoGenesis
    (P004, "110"),  # Can 1B LLM Surpass 405B LLM?
    (P004, "117"),  # Self Speculative Decoding
    (P004, "145"),  # Hallucination with Regard to Known Facts
    (P004, "152"),  # Fourier Position Embedding
    (P004, "173"),  # Intuitive Fine-Tuning
]


def check_coauthors(rows: list[dict[str, str]]) -> None:
    assert columns(rows, "coauthor", "papers") == KZ_COAUTHORS
    assert {(r["ambiguous"], r["person"]) for r in rows} == {("false", "Kaiyan Zhang")}


def check_collaboration_candidates(rows: list[dict[str, str]]) -> None:
    # Shared co-authors of Kaiyan Zhang who never co-authored with them, k = 2. Xingtai Lv
    # creates every paper on page 001 and Biqing Qi every paper on page 004, so the names
    # printed there meet them too. Che Jiang: Fourier (Ermo Hua, Lv; Qi by page 004) and
    # Qi's hallucination papers; Junqi Gao: Can 1B LLM (Runze Liu, Jian Zhao; Qi by 004);
    # Shang Qu: the two Automating Exploratory papers (Ning Ding; Lv by 001) and MedXpertQA
    # (Yuxin Zuo). With Ning Ding and Lv on page 001: OpenDelta (Shengding Hu, Weilin Zhao),
    # SoRA (Qiaosen Wang), Mastering (Yulin Chen, Ganqu Cui), Automating (Linhai Xie). With
    # Xuekai Zhu and Lv: How to Synthesize (Daixuan Cheng, Hengli Li), FlowRL (Dinghuai
    # Zhang). With Ermo Hua and Qi: Retrieval-Augmented VQA (Xinwei Long, Zhiyuan Ma).
    assert columns(rows, "candidate", "shared", "through") == [
        ("Che Jiang", "3", "Biqing Qi; Ermo Hua; Xingtai Lv"),
        ("Junqi Gao", "3", "Biqing Qi; Jian Zhao; Runze Liu"),
        ("Shang Qu", "3", "Ning Ding; Xingtai Lv; Yuxin Zuo"),
        ("Daixuan Cheng", "2", "Xingtai Lv; Xuekai Zhu"),
        ("Dinghuai Zhang", "2", "Xingtai Lv; Xuekai Zhu"),
        ("Ganqu Cui", "2", "Ning Ding; Xingtai Lv"),
        ("Hengli Li", "2", "Xingtai Lv; Xuekai Zhu"),
        ("Linhai Xie", "2", "Ning Ding; Xingtai Lv"),
        ("Qiaosen Wang", "2", "Ning Ding; Xingtai Lv"),
        ("Shengding Hu", "2", "Ning Ding; Xingtai Lv"),
        ("Weilin Zhao", "2", "Ning Ding; Xingtai Lv"),
        ("Xinwei Long", "2", "Biqing Qi; Ermo Hua"),
        ("Yulin Chen", "2", "Ning Ding; Xingtai Lv"),
        ("Zhiyuan Ma", "2", "Biqing Qi; Ermo Hua"),
    ]


def check_papers_per_topic_year(rows: list[dict[str, str]]) -> None:
    assert columns(rows, "topic", "year", "papers") == [t[:3] for t in PER_TOPIC_YEAR]
    # Only "Post-Trained MoE" (LG, "May 18") and "Cut Your Losses!" (CL, "Apr 17") took
    # their year from the capture date.
    inferred = [(r["topic"], r["year"]) for r in rows if r["year_inferred"] != "0"]
    assert inferred == [("cs.CL", "2026"), ("cs.LG", "2026")]
    assert sum(int(r["papers"]) for r in rows) == 61  # the 5 untitled papers have no topic


def check_topic_profile(rows: list[dict[str, str]]) -> None:
    assert columns(rows, "topic", "papers", "with_code", "first_year", "last_year") == [
        ("cs.CL", "13", "11", "2023", "2025"),
        ("cs.LG", "2", "0", "2025", "2026"),  # Technologies on Effectiveness, Post-Trained MoE
    ]


def check_topic_cooccurrence(rows: list[dict[str, str]]) -> None:
    # The circle: Kaiyan Zhang and the 16 co-authors above; pairs of topics both published
    # in by one member, with the members' papers in each topic. Biqing Qi now has all 29
    # papers of page 004 (17 CL, 5 AI, 4 CV, 2 LG, 1 NE) and Xingtai Lv all 17 of page 001
    # (8 CL, 6 LG, 3 AI). CL+LG: Kaiyan Zhang, Lv, Qi, Ning Ding, Li Sheng, Yuxin Zuo,
    # Xuekai Zhu; AI+CL: Lv, Qi, Ning Ding, Yuxin Zuo (MedXpertQA), Ermo Hua (Fourier);
    # AI+LG: Lv, Qi, Ning Ding, Yuxin Zuo; CV with AI or CL: Qi, Ermo Hua (Retrieval-Augmented
    # VQA); NE (Evolution of Thought) and CV+LG: Qi alone.
    assert columns(rows, "topic_1", "topic_2", "people", "papers_1", "papers_2") == [
        ("cs.CL", "cs.LG", "7", "21", "8"),
        ("cs.AI", "cs.CL", "5", "8", "21"),
        ("cs.AI", "cs.LG", "4", "8", "8"),
        ("CV", "cs.AI", "2", "4", "5"),
        ("CV", "cs.CL", "2", "4", "17"),
        ("CV", "cs.LG", "1", "4", "2"),
        ("CV", "cs.NE", "1", "4", "1"),
        ("cs.AI", "cs.NE", "1", "5", "1"),
        ("cs.CL", "cs.NE", "1", "17", "1"),
        ("cs.LG", "cs.NE", "1", "2", "1"),
    ]


def check_code_share(rows: list[dict[str, str]]) -> None:
    assert columns(rows, "topic", "year", "papers", "with_code") == PER_TOPIC_YEAR
    percent = {(r["topic"], r["year"]): float(r["percent"]) for r in rows}
    assert percent[("cs.CL", "2025")] == 81.8  # 9 of 11
    assert percent[("CV", "2025")] == 33.3  # 1 of 3


def check_code_repositories(rows: list[dict[str, str]]) -> None:
    assert len(rows) == 18  # papers with code in cs.CL
    linked = {
        (r["title"][:34], r["repository"].removeprefix("https://github.com/"))
        for r in rows
        if r["repository"]
    }
    assert linked == CL_REPOSITORIES
    assert {r["topic"] for r in rows} == {"cs.CL"}


def check_code_flag_disagreements(rows: list[dict[str, str]]) -> None:
    assert columns(rows, "page", "line") == FLAG_WITHOUT_REPOSITORY
    assert {r["disagreement"] for r in rows} == {"flag, no repository"}
    assert {r["repositories"] for r in rows} == {""}
    urls = {r["line"]: r["other_urls"] for r in rows if r["other_urls"]}
    assert urls == {
        "10": "https://learning-from-peers.github.io/",
        "61": "https://ryanliu112.github.io/GenPRM",
        "68": "https://github.com/ICL",
    }


def check_shared_repositories(rows: list[dict[str, str]]) -> None:
    # No repository is linked from two papers on the seeds; one owner is: TsinghuaC3I
    # (MedXpertQA, Awesome-RL-for-LRMs, FS-GEN, UltraMedical, CRaSh).
    assert columns(rows, "level", "key", "papers", "repositories") == [
        ("owner", "github.com/tsinghuac3i", "5", "5")
    ]


def check_organisation_pairs(rows: list[dict[str, str]]) -> None:
    assert columns(rows, "organisation_1", "organisation_2", "papers", "first_title") == [
        # TTRL, the Survey of RL, Process Reinforcement through Implicit Rewards
        (
            "Peking University",
            "Tsinghua University",
            "3",
            "A Survey of Reinforcement Learning for Large Reasoning Models",
        ),
        (
            "Stanford University",
            "Tsinghua University",
            "1",
            "FlowRL: Matching Reward Distributions for LLM Reasoning",
        ),
    ]


def check_top_authors_by_metric(rows: list[dict[str, str]]) -> None:
    # The two profiles with primary category CL: h-index35 and h-index6.
    assert columns(rows, "name", "value", "observed", "page") == [
        ("Xingtai Lv", "35", "2026-11-24", P001),
        ("Biqing Qi", "6", "2026-11-24", P004),
    ]


def check_newest_papers(rows: list[dict[str, str]]) -> None:
    assert columns(rows, "issued", "year_inferred")[0] == ("2026-05-18", "true")
    assert [(r["issued"], r["title"][:30]) for r in rows] == [
        ("2026-05-18", "Post-Trained MoE Can Skip Half"),
        ("2025-09-10", "A Survey of Reinforcement Lear"),
        ("2025-04-22", "TTRL: Test-Time Reinforcement "),
        ("2025-04-01", "GenPRM: Scaling Test-Time Comp"),
        ("2025-03-14", "Technologies on Effectiveness "),
        ("2024-11-04", "Scalable Efficient Training of"),
        ("2024-07-12", "Large Language Models as Biome"),
        ("2024-07-11", "Towards Building Specialized G"),
        ("2024-06-18", "Fast and Slow Generating: An E"),
        ("2024-06-06", "UltraMedical: Building Special"),
    ]


def check_metric_history(rows: list[dict[str, str]]) -> None:
    # One capture of Xingtai Lv's profile (page 001): h-index35, 17papers, 1,150citations,
    # Novelty44%, AI Score60, "17 Papers" listed.
    assert columns(rows, "observed", "h_index", "papers", "citations", "listed", "page") == [
        ("2026-11-24", "35", "17", "1150", "17", P001)
    ]
    assert columns(rows, "novelty", "ai_score") == [("44", "60")]


def check_new_papers(rows: list[dict[str, str]]) -> None:
    # The seeds are one capture (the default date): every one of their 66 papers is first
    # and last seen on it, and "" asks for everyone's.
    assert len(rows) == 66
    assert {(r["first_seen"], r["last_seen"], r["person"]) for r in rows} == {
        ("2026-11-24", "2026-11-24", "")
    }
    assert len({r["paper"] for r in rows}) == 66
    assert [r["title"] for r in rows] == sorted(r["title"] for r in rows)


def check_multi_page_papers(rows: list[dict[str, str]]) -> None:
    assert len(rows) == 15
    disagreeing = columns(rows, "title", "pages", "code_flags", "disagrees_on")[:3]
    assert [(t[:24], p, f, d) for t, p, f, d in disagreeing] == [
        # page 004 prints Code for these, pages 001/002 do not
        ("Fourier Position Embeddi", "3", "false; true", "code flag"),
        ("Intuitive Fine-Tuning: T", "3", "false; true", "code flag"),
        ("Large Language Models as", "2", "false; true", "code flag"),
    ]
    assert {r["disagrees_on"] for r in rows[3:]} == {""}
    three = {r["title"][:20] for r in rows if r["pages"] == "3"}
    assert three == {
        "A Survey of Reinforc",
        "Fast and Slow Genera",
        "UltraMedical: Buildi",
        "Fourier Position Emb",
        "Intuitive Fine-Tunin",
    }


def check_ambiguous_names(rows: list[dict[str, str]]) -> None:
    # Page 000: "may belong to the following people: Xingyu Lu, Xingyu Lu"; five bare abstracts.
    assert columns(rows, "name", "candidates", "papers", "untitled_papers", "pages") == [
        ("Xingyu Lu", "2", "5", "5", P000)
    ]
    assert rows[0]["node"] == "https://kg.example.org/person/Xingyu_Lu"


def check_truncated_author_lists(rows: list[dict[str, str]]) -> None:
    cells = ("page", "owner", "listings", "complete_lists", "et_al", "no_authors", "owner_hidden")
    # owner_hidden: the page's person is not among the printed authors (kg:Authorship),
    # although they are a dcterms:creator of every paper on their page.
    assert columns(rows, *cells) == [
        # five bare abstracts: no printed authors, so Xingyu Lu is printed on none
        (P000, "Xingyu Lu", "5", "0", "0", "5", "5"),
        # Xingtai Lv is among the names shown on 6 of the 17 listings
        (P001, "Xingtai Lv", "17", "0", "17", "0", "11"),
        (P002, "", "18", "0", "18", "0", "0"),
        # Application of CNNs, Learning from Failures, Thinker, The Station show every name
        (P003, "", "17", "4", "13", "0", "0"),
        # Towards Building Specialized Generalist AI is complete; Biqing Qi shown on 13 of 29
        (P004, "Biqing Qi", "29", "1", "28", "0", "16"),
    ]


def check_connection(rows: list[dict[str, str]]) -> None:
    # "An Efficient Memory Module" prints Dong Li, Aijia Zhang, Junqi Gao et al. and is on
    # Biqing Qi's page 004, so she is its creator too: Kaiyan Zhang - Biqing Qi - Aijia Zhang.
    # Three hops: through any co-author of both Kaiyan Zhang and Biqing Qi (all of his but
    # Youbang Sun), or Biqing Qi / Jian Zhao / Runze Liu - Junqi Gao (Can 1B LLM), or
    # Biqing Qi - Dong Li.
    assert columns(rows, "hops", "via_1", "via_2") == [
        ("2", "Biqing Qi", ""),
        ("3", "Bingxiang He", "Biqing Qi"),
        ("3", "Biqing Qi", "Dong Li"),
        ("3", "Biqing Qi", "Junqi Gao"),
        ("3", "Bowen Zhou", "Biqing Qi"),
        ("3", "Ermo Hua", "Biqing Qi"),
        ("3", "Haoxiang Li", "Biqing Qi"),
        ("3", "Jian Zhao", "Biqing Qi"),
        ("3", "Jian Zhao", "Junqi Gao"),
        ("3", "Jianyu Wang", "Biqing Qi"),
        ("3", "Kai Tian", "Biqing Qi"),
        ("3", "Li Sheng", "Biqing Qi"),
        ("3", "Ning Ding", "Biqing Qi"),
        ("3", "Runze Liu", "Biqing Qi"),
        ("3", "Runze Liu", "Junqi Gao"),
        ("3", "Sihang Zeng", "Biqing Qi"),
        ("3", "Xingtai Lv", "Biqing Qi"),
        ("3", "Xuekai Zhu", "Biqing Qi"),
        ("3", "Yuxin Zuo", "Biqing Qi"),
    ]


EXPECTED = {
    "coauthors": check_coauthors,
    "collaboration-candidates": check_collaboration_candidates,
    "papers-per-topic-year": check_papers_per_topic_year,
    "topic-profile": check_topic_profile,
    "topic-cooccurrence": check_topic_cooccurrence,
    "code-share": check_code_share,
    "code-repositories": check_code_repositories,
    "code-flag-disagreements": check_code_flag_disagreements,
    "shared-repositories": check_shared_repositories,
    "organisation-pairs": check_organisation_pairs,
    "top-authors-by-metric": check_top_authors_by_metric,
    "metric-history": check_metric_history,
    "new-papers": check_new_papers,
    "newest-papers": check_newest_papers,
    "multi-page-papers": check_multi_page_papers,
    "ambiguous-names": check_ambiguous_names,
    "truncated-author-lists": check_truncated_author_lists,
    "connection": check_connection,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_query_answers_on_the_seeds(seed_store: ox.Store, name: str) -> None:
    EXPECTED[name](answer(seed_store, name))


def test_every_saved_query_gives_the_same_rows_remotely(
    seed_endpoint: str, seed_store: ox.Store
) -> None:
    for query in LIBRARY:
        bindings = bind(query, [])
        local = run_local(seed_store, query, bindings)
        remote = run_remote(seed_endpoint, query, bindings)
        assert remote.variables == local.variables, query.name
        assert sorted(values(remote)) == sorted(values(local)), query.name
        EXPECTED[query.name](
            [dict(zip(remote.variables, row, strict=True)) for row in values(remote)]
        )
