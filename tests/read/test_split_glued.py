"""The title/author splitter, on fixtures written for them.

None of these lines come from the seeds: they are the shapes the splitter must handle on
pages it has never seen (issue 2). Most use an empty Lexicon, so only the shape of the text
decides; the last tests show what knowing names and titles adds.
"""

from __future__ import annotations

import pytest

from kg.read.authors import (
    AuthorLine,
    Lexicon,
    split_glued,
    title_key,
)

EMPTY = Lexicon()

# (glued line, title, authors, et al., affiliations)
CLEAR_SPLITS = [
    # titles ending in acronyms, digits, mixed case, punctuation and hyphens
    ("Scaling Laws for LLMXuekai Zhu", "Scaling Laws for LLM", ("Xuekai Zhu",), False, ()),
    (
        "Scaling Laws for LLMXuekai Zhu, Daixuan Cheng, Dinghuai Zhang et al. · stanford",
        "Scaling Laws for LLM",
        ("Xuekai Zhu", "Daixuan Cheng", "Dinghuai Zhang"),
        True,
        ("stanford",),
    ),
    (
        "Evaluating GPT-4Jane Doe, John Smith",
        "Evaluating GPT-4",
        ("Jane Doe", "John Smith"),
        False,
        (),
    ),
    ("Fine-tuning Llama 3Jane Doe", "Fine-tuning Llama 3", ("Jane Doe",), False, ()),
    ("The Case for GPT-3.5Jane Doe", "The Case for GPT-3.5", ("Jane Doe",), False, ()),
    ("ViT-22BJane Doe", "ViT-22B", ("Jane Doe",), False, ()),
    (
        "ProxiMAP: Proximal Maps for EverythingJane Doe, John Smith",
        "ProxiMAP: Proximal Maps for Everything",
        ("Jane Doe", "John Smith"),
        False,
        (),
    ),
    (
        "Efficient Mapping with ProxiMAPJane Doe",
        "Efficient Mapping with ProxiMAP",
        ("Jane Doe",),
        False,
        (),
    ),
    ("Scaling LLaMAJane Doe", "Scaling LLaMA", ("Jane Doe",), False, ()),
    (
        "Transformers Are SSMsTri Dao, Albert Gu",
        "Transformers Are SSMs",
        ("Tri Dao", "Albert Gu"),
        False,
        (),
    ),
    ("Is Attention All You Need?Jane Doe", "Is Attention All You Need?", ("Jane Doe",), False, ()),
    ("Stop Scaling!Jane Doe, John Smith", "Stop Scaling!", ("Jane Doe", "John Smith"), False, ()),
    (
        "Models That Reason (Sometimes)Jane Doe et al.",
        "Models That Reason (Sometimes)",
        ("Jane Doe",),
        True,
        (),
    ),
    ('Beyond "Attention"Jane Doe', 'Beyond "Attention"', ("Jane Doe",), False, ()),
    ("Don't Stop 'Pretraining'Jane Doe", "Don't Stop 'Pretraining'", ("Jane Doe",), False, ()),
    ("A Study of C++Jane Doe", "A Study of C++", ("Jane Doe",), False, ()),
    (
        "Test-Time Self-Training for Pre-TrainingJane Doe, John Smith",
        "Test-Time Self-Training for Pre-Training",
        ("Jane Doe", "John Smith"),
        False,
        (),
    ),
    # titles containing commas
    (
        "Reading, Writing, and ArithmeticJane Doe, John Smith, Ann Lee et al. · pku, tsinghua",
        "Reading, Writing, and Arithmetic",
        ("Jane Doe", "John Smith", "Ann Lee"),
        True,
        ("pku", "tsinghua"),
    ),
    ("Learning, Fast and SlowAditi", "Learning, Fast and Slow", ("Aditi",), False, ()),
    ("Scaling to 1,000 GPUsJane Doe", "Scaling to 1,000 GPUs", ("Jane Doe",), False, ()),
    # single-word names
    (
        "Learning to ReasonAditi, John Smith",
        "Learning to Reason",
        ("Aditi", "John Smith"),
        False,
        (),
    ),
    ("Towards AGIAditi", "Towards AGI", ("Aditi",), False, ()),
    (
        "Learning to ReasonJohn Smith, NVIDIA",
        "Learning to Reason",
        ("John Smith", "NVIDIA"),
        False,
        (),
    ),
    # particles
    (
        "Symphonies as DataLudwig van Beethoven, Juan de la Cruz",
        "Symphonies as Data",
        ("Ludwig van Beethoven", "Juan de la Cruz"),
        False,
        (),
    ),
    ("Modeling of the SunDa Vinci", "Modeling of the Sun", ("Da Vinci",), False, ()),
    (
        "Memory for AgentsOmar al-Farsi, Nour ibn Saud, Layla el-Amin et al.",
        "Memory for Agents",
        ("Omar al-Farsi", "Nour ibn Saud", "Layla el-Amin"),
        True,
        (),
    ),
    ("Encyclopedic ModelsJean d'Alembert", "Encyclopedic Models", ("Jean d'Alembert",), False, ()),
    # apostrophes and name prefixes
    (
        "Tokenizing ChineseMeng'en Li, Sean O'Brien",
        "Tokenizing Chinese",
        ("Meng'en Li", "Sean O'Brien"),
        False,
        (),
    ),
    ("Irish NamesO'Brien", "Irish Names", ("O'Brien",), False, ()),
    (
        "Pre-Training at ScaleJohn McDonald, Yann LeCun",
        "Pre-Training at Scale",
        ("John McDonald", "Yann LeCun"),
        False,
        (),
    ),
    ("Pre-Training at ScaleYann LeCun", "Pre-Training at Scale", ("Yann LeCun",), False, ()),
    (
        "An Interview with Yann LeCunJane Doe",  # a title may end in such a name, too
        "An Interview with Yann LeCun",
        ("Jane Doe",),
        False,
        (),
    ),
    # diacritics
    (
        "Accents in TextJosé Müller, Zoë Ångström",
        "Accents in Text",
        ("José Müller", "Zoë Ångström"),
        False,
        (),
    ),
    (
        "Efficient RL for ReasoningÉmile Zola",
        "Efficient RL for Reasoning",
        ("Émile Zola",),
        False,
        (),
    ),
    ("Ångström-Scale ImagingZoë Ångström", "Ångström-Scale Imaging", ("Zoë Ångström",), False, ()),
    # initials
    (
        "Option ForecastingKirill V. Golubnichiy, Zheng Cao",
        "Option Forecasting",
        ("Kirill V. Golubnichiy", "Zheng Cao"),
        False,
        (),
    ),
    (
        "The Lord of the RingsJ. R. R. Tolkien",
        "The Lord of the Rings",
        ("J. R. R. Tolkien",),
        False,
        (),
    ),
    (
        "Deep Learning for NLPJ. R. R. Tolkien, Kirill V. Golubnichiy",
        "Deep Learning for NLP",
        ("J. R. R. Tolkien", "Kirill V. Golubnichiy"),
        False,
        (),
    ),
    # odd capitalisation after the first name
    (
        "Graph Counselor for LLM ReasoningJunqi Gao, Xiang Zou, YIng Ai et al.",
        "Graph Counselor for LLM Reasoning",
        ("Junqi Gao", "Xiang Zou", "YIng Ai"),
        True,
        (),
    ),
    (
        # the odd name is not first: its capital must not pull the names before it into the title
        "Attention from ScratchKangqiao Zeng, HAngbo Zeng, Rankun Zhang",
        "Attention from Scratch",
        ("Kangqiao Zeng", "HAngbo Zeng", "Rankun Zhang"),
        False,
        (),
    ),
    # et al. with and without affiliations
    (
        "Attention Is All You NeedAshish Vaswani, Noam Shazeer, Niki Parmar et al.",
        "Attention Is All You Need",
        ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"),
        True,
        (),
    ),
    (
        "Attention Is All You NeedAshish Vaswani, Noam Shazeer, Niki Parmar et al. · google",
        "Attention Is All You Need",
        ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"),
        True,
        ("google",),
    ),
    (
        "Two AuthorsJane Doe, John Smith · mit",
        "Two Authors",
        ("Jane Doe", "John Smith"),
        False,
        ("mit",),
    ),
    (
        "A Title With Trailing SpaceJane Doe  ",
        "A Title With Trailing Space",
        ("Jane Doe",),
        False,
        (),
    ),
]


@pytest.mark.parametrize(
    ("line", "title", "authors", "et_al", "affiliations"),
    CLEAR_SPLITS,
    ids=[case[1][:40] + "|" + case[2][0] for case in CLEAR_SPLITS],
)
def test_clear_split(
    line: str, title: str, authors: tuple[str, ...], et_al: bool, affiliations: tuple[str, ...]
) -> None:
    split = split_glued(line, EMPTY)
    assert split is not None
    assert (split.title, split.line) == (title, AuthorLine(authors, et_al, affiliations))
    assert split.uncertain is None


# Cases where the shape of the text cannot decide: the split must say so (and still give
# its best guess), never guess silently.
UNCERTAIN_SPLITS = [
    # an all-caps first author after an all-caps title end: where does "LLMNVIDIA" break?
    "Scaling Laws for LLMNVIDIA",
    "Scaling Laws for LLMNVIDIA, John Smith",
    # an oddly capitalised first name: "CounselorY" + "Ing Ai", or "Counselor" + "YIng Ai"?
    "Graph CounselorYIng Ai, Junqi Gao",
    "Reasoning with GPT-4oYIng Ai",
    "Reasoning Matter!YIhai Li",
    "Do We Need Tokenization?QIaoyue Peng, Xu Fu",
    "Vision at ScaleSHuoao Hao, MIn Shao, Hassan Ibrahim",
]


@pytest.mark.parametrize("line", UNCERTAIN_SPLITS)
def test_uncertain_split_says_so(line: str) -> None:
    split = split_glued(line, EMPTY)
    assert split is not None
    assert split.uncertain  # names the runner-up, for the warning
    assert " / " in split.uncertain


@pytest.mark.parametrize(
    ("line", "title", "first"),
    [
        ("Graph CounselorYIng Ai, Junqi Gao", "Graph Counselor", "YIng Ai"),
        ("Reasoning Matter!YIhai Li", "Reasoning Matter!", "YIhai Li"),
        ("Do We Need Tokenization?QIaoyue Peng, Xu Fu", "Do We Need Tokenization?", "QIaoyue Peng"),
        ("Vision at ScaleSHuoao Hao, MIn Shao, Hassan Ibrahim", "Vision at Scale", "SHuoao Hao"),
    ],
)
def test_uncertain_odd_capitals_still_guess_right(line: str, title: str, first: str) -> None:
    # A title rarely ends in a lone capital ("...Matter!Y"); the odd name is the better guess.
    split = split_glued(line, EMPTY)
    assert split is not None and (split.title, split.line.authors[0]) == (title, first)


def test_lexicon_of_names_resolves_an_uncertain_split() -> None:
    line = "Scaling Laws for LLMNVIDIA, John Smith"
    split = split_glued(line, Lexicon(names=frozenset({"NVIDIA"})))
    assert split is not None and split.uncertain is None
    assert (split.title, split.line.authors) == ("Scaling Laws for LLM", ("NVIDIA", "John Smith"))


def test_lexicon_of_titles_resolves_an_uncertain_split() -> None:
    line = "Scaling Laws for LLMNVIDIA"
    split = split_glued(line, Lexicon(titles=frozenset({title_key("Scaling laws  for LLM")})))
    assert split is not None and split.uncertain is None
    assert (split.title, split.line.authors) == ("Scaling Laws for LLM", ("NVIDIA",))


def test_lexicon_resolves_an_odd_capitalisation() -> None:
    split = split_glued("Graph CounselorYIng Ai, Junqi Gao", Lexicon(names=frozenset({"YIng Ai"})))
    assert split is not None and split.uncertain is None
    assert (split.title, split.line.authors) == ("Graph Counselor", ("YIng Ai", "Junqi Gao"))


@pytest.mark.parametrize(
    "line",
    [
        "A Title With No Authors At All",
        "all lowercase words, nothing else",
        "Ends in a digitJane Doe 2",
        "",
        "et al.",
        " · pku",
    ],
)
def test_no_split_when_the_line_does_not_end_in_names(line: str) -> None:
    assert split_glued(line, EMPTY) is None
