#!/usr/bin/env python3
"""Synthetic arXiv author pages for the benchmark: the three layouts of DESIGN.md §1, mixed.

    benchmarks/generate.py --papers 10k --seed 7 --out benchmarks/corpus/10k

writes ``DIR/NNNNNN_<hex>.txt`` pages (50-200 records each), ``DIR/truth.json`` (what every
record on every page says, for the parser test) and ``DIR/manifest.json`` (knobs and
counts). The output is a pure function of the options: same options, same bytes.

What the corpus imitates (learned from seeds/):

* a universe of papers with distinct titles (a coined system name, or a phrase drawn until
  it is new) that end in words, acronyms (``LLM``, ``MIMO``), digits (``GPT-4``, ``T5``) or
  punctuation (``?``, ``!``, ``)``); abstracts of 150-250 words with URLs in some of them
  (``https://github.com/o/r``, with a trailing ``.`` or ``.git``, or without a scheme);
* 1-40 authors per paper drawn from a Zipf-like popularity over a pool of names (Chinese,
  Western with diacritics, particles, initials, hyphens, apostrophes, single-word names,
  odd capitals such as ``YIng``); pages print the first three and ``et al.``;
* profile pages of the most prolific authors (header with metrics, then records with the
  title and the author line on separate lines), listing pages (title glued to the authors,
  no header), abstract-only pages of ambiguous names (year headings, bare abstracts), and
  mixed pages (both record forms on one page, sometimes followed by a year section);
* papers shared across pages (profiles of co-authors, re-listed papers), pages that
  disagree on the ``Code`` flag and omit affiliations, scores on some pages, dates without a
  year for papers of the capture year.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1  # bump when the output for a given seed changes on purpose
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
DEFAULT_CAPTURE = date(2026, 11, 24)  # kg.config.DEFAULT_CAPTURE_DATE (kept in sync by a test)


@dataclass(frozen=True)
class Knobs:
    """Everything that shapes the corpus; the manifest records the values used."""

    papers: int = 1000
    seed: int = 7
    capture_date: str = DEFAULT_CAPTURE.isoformat()
    pool_factor: float = 1.0  # distinct author names = pool_factor * papers (min 300)
    zipf_s: float = 0.95  # author popularity: weight of rank r is 1 / (r + zipf_offset) ** s
    zipf_offset: float = 30.0
    profile_share: float = 0.40  # listings on profile pages, as a share of papers
    profile_min_papers: int = 12  # an author needs this many papers for a profile page
    abstract_share: float = 0.06  # listings on abstract-only pages, as a share of papers
    abstract_only: float = 0.35  # of the papers on abstract pages and on no profile: only there
    relist: float = 0.12  # share of re-listed (already shown) papers on a listing page
    mixed_share: float = 0.12  # listing pages printed with both record forms
    mixed_profile_share: float = 0.2  # profile pages printed with both forms (+ a year section)
    page_min: int = 50
    page_max: int = 200
    profile_max: int = 200
    abstract_page_max: int = 100
    code_rate: float = 0.6  # papers with code
    code_flag_miss: float = 0.08  # a page omits the Code flag of a paper with code
    code_flag_spurious: float = 0.02  # a page shows Code for a paper without
    url_rate: float = 0.6  # papers with code that print a repository URL in the abstract
    extra_url_rate: float = 0.08  # project pages / model hubs in an abstract
    shared_repo_rate: float = 0.03  # abstracts citing a popular shared repository
    affiliation_rate: float = 0.4
    affiliation_omit: float = 0.1  # a page omits the paper's affiliations
    unknown_org_rate: float = 0.08
    scored_page_rate: float = 0.35  # pages that print scores
    yearless_rate: float = 0.9  # papers of the capture year printed without the year
    odd_caps_rate: float = 0.0025  # names printed with odd capitals ("YIng Ai", seeds/004)
    hard_name_rate: float = 0.002  # names with a lowercase particle (al-, el-, ibn)


# -- word lists -----------------------------------------------------------------------------

CN_SURNAMES = (
    "Zhang Wang Li Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng "
    "Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye "
    "Cheng Wei Su Lu Ding Ren Shen Yao Qian Fu Fan Jin Qi Qu Lv Shi Hou Bai Cui Kong Mao Qiu Qin "
    "Xiong Meng Yan Wen Hua Zou Bi Ruan Lei Long Tao Shao Wan Gu Lai Hao Mo Xue"
).split()
CN_SYLLABLES = (
    "xing tai kai yan yu xin bing jia wei hao zhi ming jun jie hui ling lin rui yi qing chen "
    "hong long ze han fei yang bo tao xiao lei ning dong jing shu yue mei hua zhen kun qiang "
    "sheng feng yun hang zi yuan ying xuan an di teng ran lu pei jian wen shuo ge cheng heng ao "
    "qiao sen ding kang zhou min tong xu you bin hai chao lan rong"
).split()
WEST_FIRST = (
    "James John Robert Michael William David Richard Joseph Thomas Charles Daniel Matthew "
    "Anthony Mark Paul Steven Andrew Kenneth Joshua Kevin Brian George Timothy Edward Jason "
    "Ryan Jacob Gary Nicholas Eric Jonathan Stephen Justin Scott Benjamin Samuel Gregory "
    "Alexander Patrick Frank Raymond Jack Dennis Tyler Aaron Adam Nathan Henry Peter Kyle Noah "
    "Ethan Christian Walter Sean Dylan Jordan Arthur Gabriel Bruce Logan Alan Vincent Liam "
    "Lucas Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy "
    "Sandra Margaret Emily Michelle Amanda Melissa Stephanie Rebecca Laura Amy Angela Emma Anna "
    "Nicole Samantha Katherine Christine Helen Rachel Maria Catherine Olivia Julie Victoria "
    "Lauren Kelly Christina Andrea Hannah Megan Sophia Alice Julia Grace Charlotte Natalie "
    "Diana Marie Ingrid Lars Sven Klaus Dieter Matthias Stefan Tobias Giulia Marco Luca "
    "Alessandro Francesca Chiara Pablo Carmen Lucía Mateo Ivan Dmitry Olga Natalia Sergey "
    "Anastasia José François Zoë Jürgen Łukasz Søren Bjørn Ángel Sébastien Hélène Çağlar "
    "Mikołaj Tomáš Jiří Dániel Åsa Øyvind Gökhan Élodie Renée Björn Raphaël Joël Inês Mónica "
    "João Ramón Núria André Jérôme Małgorzata Zdeněk Ågot Þórunn"
).split()
WEST_LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Hill Green Adams Nelson Baker Hall "
    "Campbell Mitchell Carter Roberts Müller Schmidt Schneider Fischer Weber Meyer Wagner "
    "Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz "
    "Zimmermann Braun Krüger Hartmann Lange Krause Dubois Lefèvre Moreau Laurent Girard Bonnet "
    "Dupont Lambert Fontaine Rousseau Rossi Russo Ferrari Esposito Bianchi Romano Colombo "
    "Ricci Marino Greco Gallo Conti Costa Giordano Mancini Rizzo Moretti Kowalski Nowak "
    "Wiśniewski Wójcik Kamiński Lewandowski Zieliński Woźniak Dąbrowski Novák Svoboda Dvořák "
    "Černý Procházka Nielsen Jensen Hansen Pedersen Andersen Larsen Sørensen Johansson "
    "Karlsson Nilsson Eriksson Larsson Lindqvist Ångström Åberg Yılmaz Kaya Demir Şahin Çelik "
    "Öztürk Aydın García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez "
    "Jiménez Ruiz Díaz Moreno Muñoz Álvarez Romero Núñez Silva Santos Oliveira Souza Pereira "
    "Carvalho Ferreira Ribeiro Almeida Gonçalves Ivanov Smirnov Kuznetsov Popov Sokolov "
    "Lebedev Kozlov Novikov Morozov Petrov Volkov Golubnichiy O'Brien O'Connor O'Neill "
    "D'Souza McDonald McCarthy MacLeod MacKenzie LeCun DeLong Al-Sayed García-López "
    "Smith-Jones Hoover Sordoni"
).split()
PARTICLE_LAST = (
    "van der Berg|van den Broek|van Dijk|de Vries|de la Cruz|del Río|von Neumann|"
    "von Luxburg|da Silva|dos Santos|di Lorenzo|de Souza|ter Haar|le Roux|bin Abdullah|"
    "Van Gool|De Raedt|Di Stefano|Le Cun|van Noord"
).split("|")
HARD_LAST = "al-Rashid|el-Amin|al-Farsi|ibn Saud".split("|")  # lowercase hyphenated particles
IN_FIRST = (
    "Rahul Priya Amit Ananya Vikram Sneha Arjun Kavya Rohan Aditi Siddharth Neha Karthik "
    "Divya Aravind Meera Sanjay Pooja Abhishek Shreya"
).split()
IN_LAST = (
    "Sharma Patel Gupta Singh Kumar Reddy Iyer Nair Rao Mehta Joshi Agarwal Bhattacharya "
    "Chatterjee Mukherjee Banerjee Krishnan Subramanian Venkatesh Ramanathan"
).split()
KR_FIRST = "Ji-hoon Min-jun Seo-yeon Hyun-woo Ji-woo Soo-jin Jae-won Dong-hyun Ha-eun".split()
KR_LAST = "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Shin".split()
JP_FIRST = "Takeshi Yuki Haruto Sakura Kenji Aiko Hiroshi Naoko Daisuke Yuto Ren Akira".split()
JP_LAST = (
    "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida".split()
)
AR_FIRST = "Ahmed Mohamed Omar Fatima Layla Youssef Khalid Nour Hassan Amira".split()
AR_LAST = "Hassan Ali Ibrahim Mahmoud Abdullah Haddad Khoury Nasser Saleh".split()
SINGLE_NAMES = (
    "Mausam Sukarno Hartono Widodo Parikshit Sumarni Setiawan Kusuma Prasetyo Rahmawati "
    "Suryani Wibowo Santoso Gunawan Nurhadi"
).split()

KNOWN_ORGS = (
    "tsinghua pku stanford mit cmu berkeley google deepmind microsoft msra meta openai "
    "shailab fudan sjtu zju ustc nju hkust cuhk hku nus ntu oxford cambridge ethz epfl "
    "alibaba tencent baidu bytedance huawei nvidia amazon ibm princeton harvard uiuc umich "
    "ucla ucsd uw utoronto mila waterloo caltech columbia cornell nyu yale upenn ruc buaa bit "
    "hit whu xjtu sysu baai cas ucas kaist snu utokyo mbzuai kaust tum ucl imperial edinburgh"
).split()
UNKNOWN_ORGS = "xmu scut hkbu uestc ecnu seu nudt sdu jlu kth aalto inria mpi tud".split()
CATEGORIES = {  # printed code -> weight (seeds: mostly CL, then LG and AI)
    "CL": 40,
    "LG": 18,
    "AI": 14,
    "CV": 9,
    "IR": 3,
    "NE": 2,
    "SI": 2,
    "RO": 2,
    "CR": 1.5,
    "SE": 1.5,
    "HC": 1,
    "MA": 1,
    "DC": 1,
    "SD": 1,
    "DB": 0.5,
    "ST": 0.5,
    "CP": 0.5,
    "ML": 0.5,
}
YEAR_WEIGHTS = {2018: 2, 2019: 3, 2020: 5, 2021: 7, 2022: 10, 2023: 15, 2024: 22, 2025: 25}

SYLLABLES = (
    "ka lo mi ra ve to nu si de pa xo ze qu bi fa go ly mo ne ri sa tu vi wa yo zu "
    "cor tan vel mar dro lex pho gen syn tra"
).split()
SYS_SUFFIXES = "RL QA LM GPT Net Former Bench Agent Coder Math VL Med Gen KD SQL".split()
GERUNDS = (
    "Scaling Learning Rethinking Understanding Revisiting Improving Benchmarking Evaluating "
    "Aligning Distilling Training Unlocking Mastering Automating Exploring Steering Probing "
    "Compressing Accelerating Stabilizing Grounding Calibrating"
).split()
ADJECTIVES = (
    "Efficient|Robust|Scalable|Sparse|Adaptive|Hierarchical|Multi-Agent|Multi-Modal|"
    "Self-Supervised|Contrastive|Generative|Interpretable|Parameter-efficient|Low-rank|"
    "Test-Time|Zero-Shot|Few-Shot|Cross-Lingual|Long-Context|Retrieval-Augmented|"
    "Diffusion-based|Federated|Causal|Continual|Offline|Reward-guided|Lightweight|Unified|"
    "Open-World|Compositional|Graph-Aware|Uncertainty-Aware|Memory-Efficient|Verifiable|"
    "Modular|Implicit|Explicit|Dynamic|Curriculum-based|Privacy-Preserving"
).split("|")
NOUNS = (
    "Language Models|Large Language Models|Vision Transformers|Graph Neural Networks|"
    "Reinforcement Learning|Knowledge Distillation|Preference Optimization|Instruction Tuning|"
    "Reward Models|Attention|Mixture-of-Experts|State Space Models|Diffusion Models|"
    "Speech Recognition|Code Generation|Machine Translation|Question Answering|"
    "Text-to-SQL Parsing|Entity Linking|Molecular Property Prediction|Protein Design|"
    "Time Series Forecasting|Option Pricing|Recommendation|Embodied Agents|"
    "Chain-of-Thought Reasoning|Mathematical Reasoning|Hallucination Detection|"
    "Data Synthesis|Model Merging|Quantization|Pruning|Tokenization|Positional Encoding|"
    "Decoding|Speculative Decoding|Dense Retrieval|Semantic Parsing|Dialogue Systems|"
    "Video Understanding|Image Segmentation|Object Detection|Program Synthesis|"
    "Theorem Proving|Tool Use|Web Agents|Knowledge Graphs|Summarization|Fact Verification|"
    "Continual Learning|Domain Adaptation|Active Learning|Sequence Generation|Planning"
).split("|")
ENDINGS = (  # how titles end: words, acronyms, digits, lowercase phrases
    "for LLM Reasoning|in MIMO Detection|for Biomedicine|with Human Feedback|at Scale|"
    "in the Wild|on Edge Devices|for Low-Resource Languages|under Distribution Shift|"
    "via Implicit Rewards|for Autonomous Driving|in 3D|with GPT-4|for T5|on ImageNet-1K|"
    "with Qwen2.5|for Llama 3|for RAG|in NLP|for ASR|of LLMs|with RLHF|for VQA|in MRI|"
    "for SQL|of Pre-trained Models|in Multilingual Settings|for Drug Discovery|"
    "with Synthetic Data|from Scratch|without Labels|in Few Steps|for Long Videos|"
    "in Low Precision|on Consumer GPUs|at Inference Time|for Chinese|in Healthcare|"
    "with Transformers|for Scientific Discovery|in Finance|for Robotics|with LoRA|"
    "(Extended Abstract)|(Student Abstract)|for 6G|in O(n) Time|with k-NN|for e-Commerce"
).split("|")
DATASETS = (
    "GSM8K MATH AIME HumanEval MBPP SPIDER BIRD MMLU GPQA ImageNet COCO SQuAD HotpotQA "
    "LibriSpeech WMT ARC MedQA PubMedQA ScienceQA WebArena"
).split()
ACRONYMS = "LLMs RL KD SFT RLHF DPO PPO RAG VLMs MoE CoT ASR NMT GNNs SSMs TTS".split()
ABSTRACT_WORDS = (
    "model models method methods approach framework task tasks data dataset datasets training "
    "inference performance accuracy efficiency robustness generalization representation "
    "representations learning reasoning language vision graph network networks attention "
    "parameters optimization objective loss reward policy agent agents environment signal "
    "signals benchmark benchmarks evaluation analysis experiments results baseline baselines "
    "improvement improvements state-of-the-art novel simple effective efficient scalable "
    "robust adaptive sparse dense latent structured unstructured large small diverse complex "
    "challenging existing prior recent current standard strong weak consistent significant "
    "substantial empirical theoretical practical general specific multiple single different "
    "various key core critical important underlying intrinsic explicit implicit we our this "
    "these that which while however moreover furthermore therefore thus although because "
    "across within between without through during under over into from with for of on in to "
    "and or the a an is are be can may often also further show propose introduce present "
    "demonstrate achieve outperform enable reduce improve leverage combine design develop "
    "study investigate evaluate analyze identify capture preserve transfer scale align "
    "distill fine-tune pre-train retrieve generate predict estimate compute update select "
    "sample explore exploit mitigate address remain require provide yield lead suggest reveal "
    "token tokens sequence sequences context contexts memory module modules layer layers "
    "feature features embedding embeddings space distribution distributions noise error "
    "errors bias variance uncertainty knowledge information structure structures pattern "
    "patterns behavior behaviors capability capabilities limitation limitations trade-off "
    "cost costs budget compute latency throughput domain domains setting settings scenario "
    "scenarios instance instances example examples step steps stage stages process pipeline "
    "component components mechanism mechanisms strategy strategies principle principles"
).split()
OPENERS = [
    "{Nouns} have achieved remarkable progress in {task}, yet {issue} remains a major challenge.",
    "Recent advances in {nouns} have enabled impressive results on {task}.",
    "Despite their success, {nouns} still struggle with {issue}.",
    "The rapid growth of {nouns} has raised new questions about {issue}.",
    "In this paper, we study {issue} in {nouns}.",
]
MIDDLES = [
    "In this work, we propose {sys}, a {adj} framework for {task}.",
    "We introduce {sys}, which combines {nouns} with {adj2} {nouns2}.",
    "Our key insight is that {issue} can be reduced by {gerund} the {word} {word2}.",
    "Experiments on {ds} and {ds2} show that {sys} improves accuracy by {pct}% over strong "
    "baselines.",
    "On {ds}, {sys} reaches {pct}% accuracy with only {n} training examples.",
    "We further analyze the {word} of {acr} and find that {issue} is largely driven by {word2}.",
    "Compared with {acr}-based methods, our approach reduces the cost by {x}x.",
    "We release a benchmark of {n} instances covering {m} domains.",
]
ISSUES = (
    "hallucination|reward hacking|distribution shift|catastrophic forgetting|data "
    "contamination|long-context degradation|sample efficiency|calibration|memorization|"
    "generalization to unseen domains|the cost of inference|robustness to noise|"
    "the lack of supervision|training instability"
).split("|")
URL_TEMPLATES = [  # (template, how the URL is printed); {u} is the URL as printed
    "Code is available at {u}.",
    "Our code and data are publicly available at {u}.",
    "The code is released at {u}.",
    "Code: {u}",
    "We open-source our implementation at {u}.",
]
EXTRA_URL_TEMPLATES = [
    "Project page: {u}.",
    "Models and data are available at {u}.",
    "See {u} for demos.",
]
SHARED_REPOS = [
    ("huggingface", "transformers"),
    ("pytorch", "pytorch"),
    ("vllm-project", "vllm"),
    ("OpenRLHF", "OpenRLHF"),
    ("EleutherAI", "lm-evaluation-harness"),
    ("hiyouga", "LLaMA-Factory"),
]


# -- the universe -------------------------------------------------------------------------


@dataclass
class Paper:
    pid: int
    title: str
    authors: list[int]  # person indices, in order
    year: int
    month: int
    day: int
    category: str
    has_code: bool
    affiliations: tuple[str, ...]
    abstract: str
    urls: tuple[str, ...]  # as kg should normalise them


@dataclass
class Universe:
    knobs: Knobs
    names: list[str]
    papers: list[Paper]
    person_papers: list[list[int]] = field(default_factory=list)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Generator:
    def __init__(self, knobs: Knobs) -> None:
        self.k = knobs
        self.rng = random.Random(knobs.seed)
        self.capture = date.fromisoformat(knobs.capture_date)
        self.titles_seen: set[str] = set()
        self.abstracts_seen: set[str] = set()
        self.repo_owners = [
            self.coined(10_000 + i) + self.rng.choice(["", "Lab", "AI", "-NLP"])
            for i in range(max(50, knobs.papers // 40))
        ]
        self.owner_cum = _cumulative([1 / (r + 3) for r in range(len(self.repo_owners))])

    # -- names ----------------------------------------------------------------------------

    def name(self) -> str:
        r = self.rng.random()
        c = self.rng.choice
        if r < self.k.hard_name_rate:
            return f"{c(AR_FIRST)} {c(HARD_LAST)}"
        r = self.rng.random()
        if r < 0.58:  # Chinese: "Kaiyan Zhang", "Li Sheng"
            given = c(CN_SYLLABLES)
            if self.rng.random() < 0.75:
                given += c(CN_SYLLABLES)
            given = given.capitalize()
            if self.rng.random() < self.k.odd_caps_rate / 0.58 and len(given) > 2:  # "YIng Ai"
                given = given[0] + given[1].upper() + given[2:]
            return f"{given} {c(CN_SURNAMES)}"
        if r < 0.80:  # Western / European
            first, last = c(WEST_FIRST), c(WEST_LAST)
            s = self.rng.random()
            if s < 0.07:
                return f"{first} {c('ABCDEFGHJKLMNPRSTVW')}. {last}"  # Kirill V. Golubnichiy
            if s < 0.09:
                return f"{first[0]}. {c('ABCDEFGHJKLMNPRSTVW')}. {last}"  # J. R. Smith
            if s < 0.10:
                return f"{c(WEST_FIRST)}-{c(WEST_FIRST)} {last}"  # Jean-Pierre
            if s < 0.14:
                return f"{first} {c(WEST_FIRST)} {last}"  # Jacob Louis Hoover
            if s < 0.20:
                return f"{first} {c(PARTICLE_LAST)}"  # Jan van der Berg
            return f"{first} {last}"
        if r < 0.87:
            return f"{c(IN_FIRST)} {c(IN_LAST)}"
        if r < 0.92:
            return f"{c(KR_FIRST)} {c(KR_LAST)}"
        if r < 0.96:
            return f"{c(JP_FIRST)} {c(JP_LAST)}"
        if r < 0.99:
            return f"{c(AR_FIRST)} {c(AR_LAST)}"
        if r < 0.995:  # Ka Man Lo
            return f"{c(CN_SYLLABLES).capitalize()} {c(CN_SYLLABLES).capitalize()} {c(CN_SURNAMES)}"
        return c(SINGLE_NAMES)  # a single-word name

    def name_pool(self, size: int) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < size:
            candidate = nfc(self.name())
            if candidate not in seen:
                seen.add(candidate)
                names.append(candidate)
        return names

    # -- titles ---------------------------------------------------------------------------

    @staticmethod
    def coined(index: int) -> str:
        """A made-up word, unique per index (bijective base-len(SYLLABLES), 2+ syllables)."""
        n, parts = index + len(SYLLABLES) ** 2, []
        while n:
            n, d = divmod(n, len(SYLLABLES))
            parts.append(SYLLABLES[d])
        return "".join(reversed(parts)).capitalize()

    def system_name(self, pid: int, plain: bool = False) -> str:
        word = self.coined(pid)
        r = 1.0 if plain else self.rng.random()
        if r < 0.25:
            return word.upper()  # TTRL-like
        if r < 0.45:
            return word + self.rng.choice(SYS_SUFFIXES)  # FlowRL, MedXpertQA
        if r < 0.55:
            return "Open" + word  # OpenDelta
        if r < 0.62:
            return f"{word}-{self.rng.choice(['T5', '7B', 'V2', 'R1', 'VL', '3D'])}"  # Graphix-T5
        if r < 0.66:
            return word[0].lower() + "2" + word[1:].lower() + "KD"  # m2mKD-like
        return word

    def phrase(self) -> str:
        c, r = self.rng.choice, self.rng.random()
        if r < 0.3:
            text = f"{c(ADJECTIVES)} {c(NOUNS)} {c(ENDINGS)}"
        elif r < 0.5:
            text = f"{c(GERUNDS)} {c(ADJECTIVES)} {c(NOUNS)} {c(ENDINGS)}"
        elif r < 0.62:
            text = f"{c(GERUNDS)} {c(NOUNS)} with {c(ADJECTIVES)} {c(NOUNS)}"
        elif r < 0.7:
            text = f"A Survey of {c(NOUNS)} {c(ENDINGS)}"
        elif r < 0.76:
            text = f"Can {c(NOUNS)} Surpass {c(NOUNS)}? {c(GERUNDS)} {c(NOUNS)}"
        elif r < 0.82:
            text = f"Do {c(NOUNS)} Need {c(ADJECTIVES)} {c(NOUNS)}?"
        elif r < 0.86:
            text = f"Cut Your Losses! {c(GERUNDS)} {c(NOUNS)} {c(ENDINGS)}"
        elif r < 0.9:
            text = f"{c(NOUNS)}, {c(NOUNS)}, and {c(NOUNS)} {c(ENDINGS)}"
        elif r < 0.93:
            text = f"{c(ADJECTIVES)} {c(NOUNS)} Matter!"
        elif r < 0.96:
            text = f"An Empirical Study on {c(ADJECTIVES)} {c(NOUNS)}"
        else:
            text = f"{c(['f-Divergence', 'k-Means', 'e-Values', 'p-Tuning'])} {c(NOUNS)}"
        return text

    def title(self, pid: int) -> tuple[str, str]:
        """(title, system name or ''): distinct per paper, case-insensitively."""
        for attempt in range(30):
            sys_name = ""
            r = self.rng.random()
            if r < 0.45 or attempt >= 20:
                sys_name = self.system_name(pid, plain=attempt >= 20)
                s = self.rng.random()
                if s < 0.75:
                    text = f"{sys_name}: {self.phrase()}"
                elif s < 0.9:
                    text = f"{self.phrase()} with {sys_name}"
                else:
                    text = f"{sys_name}: A Benchmark for {self.rng.choice(NOUNS)}"
            else:
                text = self.phrase()
            key = " ".join(text.casefold().split())
            if key not in self.titles_seen:
                self.titles_seen.add(key)
                return text, sys_name
        raise AssertionError("unreachable: a coined name makes every title distinct")

    # -- abstracts ------------------------------------------------------------------------

    def sentence(self, lo: int, hi: int) -> str:
        words = self.rng.choices(ABSTRACT_WORDS, k=self.rng.randint(lo, hi))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randint(1, len(words)), f"({self.rng.choice(ACRONYMS)})")
        if self.rng.random() < 0.15:
            words.insert(self.rng.randint(1, len(words)), f"{self.rng.uniform(0.5, 40):.1f}%")
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def fill(self, template: str, sys_name: str) -> str:
        c = self.rng.choice
        nouns = c(NOUNS)
        return template.format(
            Nouns=nouns,
            nouns=nouns.lower() if not nouns.isupper() else nouns,
            nouns2=c(NOUNS).lower(),
            task=c(NOUNS).lower(),
            issue=c(ISSUES),
            sys=sys_name or "our method",
            adj=c(ADJECTIVES).lower(),
            adj2=c(ADJECTIVES).lower(),
            gerund=c(GERUNDS).lower(),
            word=c(ABSTRACT_WORDS),
            word2=c(ABSTRACT_WORDS),
            ds=c(DATASETS),
            ds2=c(DATASETS),
            acr=c(ACRONYMS),
            pct=f"{self.rng.uniform(1, 30):.1f}",
            n=self.rng.randint(100, 50_000),
            m=self.rng.randint(3, 40),
            x=self.rng.randint(2, 12),
        )

    def abstract(self, sys_name: str, url_sentences: list[str]) -> str:
        target = self.rng.randint(150, 250)
        parts = [self.fill(self.rng.choice(OPENERS), sys_name)]
        count = len(parts[0].split()) + sum(len(u.split()) for u in url_sentences)
        while count < target:
            if self.rng.random() < 0.3:
                part = self.fill(self.rng.choice(MIDDLES), sys_name)
            else:
                part = self.sentence(10, 28)
            parts.append(part)
            count += len(part.split())
        return " ".join(parts + url_sentences)

    def repo_urls(self, sys_name: str, has_code: bool) -> tuple[list[str], list[str]]:
        """(sentences to append, URLs as kg normalises them)."""
        sentences: list[str] = []
        urls: list[str] = []
        rng = self.rng
        if has_code and rng.random() < self.k.url_rate:
            owner = self.repo_owners[_draw(self.owner_cum, rng.random())]
            repo = sys_name or "-".join(
                rng.sample(
                    ["graph", "rl", "llm", "agent", "bench", "tune", "distill", "med", "code"], 2
                )
            )
            repo = repo.replace(":", "")
            v = rng.random()
            if v < 0.55:
                printed = f"https://github.com/{owner}/{repo}"
            elif v < 0.75:
                printed = f"https://github.com/{owner}/{repo}.git"
            elif v < 0.9:
                printed = f"github.com/{owner}/{repo}"  # no scheme
            else:
                printed = f"https://github.com/{owner}/{repo}/"
            sentences.append(rng.choice(URL_TEMPLATES).format(u=printed))
            # kg adds a missing scheme and drops a trailing ".git" and punctuation
            url = printed if printed.startswith("https://") else "https://" + printed
            urls.append(url.removesuffix(".git"))
        if rng.random() < self.k.shared_repo_rate:
            owner, repo = rng.choice(SHARED_REPOS)
            sentences.append(f"Our implementation builds on https://github.com/{owner}/{repo}.")
            urls.append(f"https://github.com/{owner}/{repo}")
        if rng.random() < self.k.extra_url_rate:
            user = self.coined(rng.randrange(5000)).lower()
            if rng.random() < 0.5:
                printed = f"https://{user}.github.io/{(sys_name or 'project').lower()}"
            else:
                printed = f"https://huggingface.co/{user}/{(sys_name or 'model').lower()}"
            sentences.append(rng.choice(EXTRA_URL_TEMPLATES).format(u=printed))
            urls.append(printed)
        # kg lists each URL once, in order of appearance
        return sentences, list(dict.fromkeys(urls))

    # -- papers ---------------------------------------------------------------------------

    def author_count(self) -> int:
        return AUTHOR_COUNTS[_draw(AUTHOR_CUM, self.rng.random())]

    def date(self) -> tuple[int, int, int]:
        years = [*YEAR_WEIGHTS, self.capture.year]
        weights = [*YEAR_WEIGHTS.values(), 11]
        year = self.rng.choices(years, weights)[0]
        if year >= self.capture.year:
            year = self.capture.year
            month = self.rng.randint(1, self.capture.month)
        else:
            month = self.rng.randint(1, 12)
        last = DAYS_IN_MONTH[month - 1]
        if year == self.capture.year and month == self.capture.month:
            last = min(last, self.capture.day)
        return year, month, self.rng.randint(1, last)

    def universe(self) -> Universe:
        k = self.k
        pool = self.name_pool(max(300, int(k.papers * k.pool_factor)))
        popularity = _cumulative([1 / (r + k.zipf_offset) ** k.zipf_s for r in range(len(pool))])
        cats, cat_weights = list(CATEGORIES), list(CATEGORIES.values())
        org_cum = _cumulative([1 / (r + 1.5) for r in range(len(KNOWN_ORGS))])
        papers: list[Paper] = []
        for pid in range(k.papers):
            count = self.author_count()
            authors: list[int] = []
            while len(authors) < count:
                person = _draw(popularity, self.rng.random())
                if person not in authors:
                    authors.append(person)
            title, sys_name = self.title(pid)
            year, month, day = self.date()
            has_code = self.rng.random() < k.code_rate
            affiliations: tuple[str, ...] = ()
            if self.rng.random() < k.affiliation_rate:
                chosen: set[str] = set()
                for _ in range(self.rng.choice([1, 1, 1, 2, 2, 3])):
                    if self.rng.random() < k.unknown_org_rate:
                        chosen.add(self.rng.choice(UNKNOWN_ORGS))
                    else:
                        chosen.add(KNOWN_ORGS[_draw(org_cum, self.rng.random())])
                affiliations = tuple(sorted(chosen))
            sentences, urls = self.repo_urls(sys_name, has_code)
            abstract = self.abstract(sys_name, sentences)
            while abstract in self.abstracts_seen:  # practically never
                abstract = self.abstract(sys_name, sentences)
            self.abstracts_seen.add(abstract)
            papers.append(
                Paper(
                    pid,
                    nfc(title),
                    authors,
                    year,
                    month,
                    day,
                    self.rng.choices(cats, cat_weights)[0],
                    has_code,
                    affiliations,
                    nfc(abstract),
                    tuple(urls),
                )
            )
        universe = Universe(k, pool, papers)
        universe.person_papers = [[] for _ in pool]
        for paper in papers:
            for person in paper.authors:
                universe.person_papers[person].append(paper.pid)
        return universe


AUTHOR_COUNTS = list(range(1, 41))
AUTHOR_CUM = list(
    itertools.accumulate([3, 8, 14, 16, 15, 12, 9, 7, 5, 4] + [1.5] * 5 + [0.4] * 10 + [0.1] * 15)
)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _draw(cumulative: Sequence[float], u: float) -> int:
    return min(bisect.bisect_right(cumulative, u * cumulative[-1]), len(cumulative) - 1)


# -- pages ----------------------------------------------------------------------------------


@dataclass
class Listing:
    """One paper as one page prints it."""

    paper: Paper
    form: str  # separate, glued, abstract
    code: bool
    score: float | None
    show_affiliations: bool
    show_year: bool


@dataclass
class PagePlan:
    layout: str  # profile, listing, abstract, mixed
    listings: list[Listing]
    person: int | None = None
    may_belong: list[str] | None = None
    year_section: list[Listing] = field(default_factory=list)


class Renderer:
    """Turns page plans into text lines plus the truth of every record on them."""

    def __init__(self, universe: Universe, rng: random.Random, capture: date) -> None:
        self.u, self.rng, self.capture = universe, rng, capture

    def author_line(self, listing: Listing) -> tuple[str, list[str], bool, list[str]]:
        names = [self.u.names[a] for a in listing.paper.authors]
        shown, et_al = names[:3], len(names) > 3
        affs = list(listing.paper.affiliations) if listing.show_affiliations else []
        text = ", ".join(shown) + (" et al." if et_al else "")
        if affs:
            text += " · " + ", ".join(affs)
        return text, shown, et_al, affs

    def meta(self, listing: Listing) -> tuple[str, str, bool]:
        p = listing.paper
        inferred = p.year == self.capture.year and not listing.show_year
        when = f"{MONTHS[p.month - 1]} {p.day}" + ("" if inferred else f", {p.year}")
        score = f"{listing.score:.1f}" if listing.score is not None else ""
        line = f"{score}{p.category}{when}{'Code' if listing.code else ''}"
        return line, f"{p.year:04d}-{p.month:02d}-{p.day:02d}", inferred

    def truth(self, listing: Listing, line: int, form: str) -> dict[str, Any]:
        p = listing.paper
        record: dict[str, Any] = {"line": line, "form": form, "paper": p.pid}
        if form == "abstract":
            record.update(
                title=None,
                authors=[],
                et_al=False,
                affiliations=[],
                date=f"{p.year:04d}",
                date_inferred_year=False,
                category=None,
                has_code=False,
                score=None,
            )
        else:
            _, shown, et_al, affs = self.author_line(listing)
            _, when, inferred = self.meta(listing)
            record.update(
                title=p.title,
                authors=shown,
                et_al=et_al,
                affiliations=affs,
                date=when,
                date_inferred_year=inferred,
                category=p.category,
                has_code=listing.code,
                score=listing.score,
            )
        record["urls"] = list(p.urls)
        record["abstract_sha1"] = hashlib.sha1(p.abstract.encode("utf-8")).hexdigest()
        return record

    def render(self, plan: PagePlan) -> tuple[list[str], list[dict[str, Any]]]:
        lines: list[str] = []
        records: list[dict[str, Any]] = []
        if plan.layout in ("profile", "mixed") and plan.person is not None:
            lines += self.profile_header(plan, records)
        if plan.layout == "abstract":
            lines += self.abstract_header(plan, records)
        for listing in plan.listings:
            if listing.form == "separate":
                if lines and lines[-1]:
                    lines.append("")
                meta_line = len(lines) + 1
                author_text = self.author_line(listing)[0]
                lines += [
                    self.meta(listing)[0],
                    listing.paper.title,
                    "",
                    author_text,
                    "",
                    listing.paper.abstract,
                ]
            else:  # glued
                if plan.layout == "mixed" and lines and lines[-1]:
                    lines.append("")
                meta_line = len(lines) + 1
                glued = listing.paper.title + self.author_line(listing)[0]
                lines += [self.meta(listing)[0], glued, listing.paper.abstract]
            records.append(self.truth(listing, meta_line, listing.form))
        if plan.year_section:
            if lines and lines[-1]:
                lines.append("")
            lines += self.year_blocks(plan.year_section, records, len(lines))
        return lines, records

    def profile_header(self, plan: PagePlan, records: list[dict[str, Any]]) -> list[str]:
        assert plan.person is not None
        name = self.u.names[plan.person]
        mine = self.u.person_papers[plan.person]
        counts: dict[str, int] = {}
        for pid in mine:
            cat = self.u.papers[pid].category
            counts[cat] = counts.get(cat, 0) + 1
        primary = max(counts, key=lambda c: (counts[c], c)) if counts else "CL"
        total = max(len(mine), len(plan.listings) + len(plan.year_section))
        h_index = max(1, min(total, int(total * self.rng.uniform(0.3, 0.9))))
        citations = total * self.rng.randint(5, 120)
        novelty = self.rng.randint(20, 80)
        ai_score = self.rng.randint(30, 90)
        listed = len(plan.listings) + len(plan.year_section)
        records.append(
            {
                "line": 1,
                "kind": "profile",
                "name": name,
                "primary_category": primary,
                "h_index": h_index,
                "paper_count": total,
                "citations": citations,
                "novelty_pct": float(novelty),
                "ai_score": float(ai_score),
                "listed_papers": listed,
                "may_belong_to": None,
            }
        )
        return [
            name,
            "",
            primary,
            f"h-index{h_index}",
            f"{total}papers",
            f"{citations:,}citations",
            f"Novelty{novelty}%",
            f"AI Score{ai_score}",
            "",
            f"{listed} Papers",
            "",
        ]

    def abstract_header(self, plan: PagePlan, records: list[dict[str, Any]]) -> list[str]:
        assert plan.person is not None and plan.may_belong is not None
        name = self.u.names[plan.person]
        records.append(
            {"line": 1, "kind": "profile", "name": name, "may_belong_to": plan.may_belong}
        )
        belong = ", ".join(plan.may_belong)
        return [
            name,
            "",
            f"Papers on this page may belong to the following people: {belong}",
            "",
            "",
        ]

    def year_blocks(
        self, listings: list[Listing], records: list[dict[str, Any]], offset: int
    ) -> list[str]:
        lines: list[str] = []
        by_year: dict[int, list[Listing]] = {}
        for listing in sorted(listings, key=lambda li: -li.paper.year):
            by_year.setdefault(listing.paper.year, []).append(listing)
        for n, (year, group) in enumerate(by_year.items()):
            if n:
                lines.append("")
            lines += [f"{year}", ""]
            for listing in group:
                lines.append(listing.paper.abstract)
                records.append(self.truth(listing, offset + len(lines), "abstract"))
        return lines


class Planner:
    """Decides which papers go on which page, and how each page prints them."""

    def __init__(self, universe: Universe, rng: random.Random, capture: date) -> None:
        self.u, self.rng, self.k, self.capture = universe, rng, universe.knobs, capture

    def listing(self, paper: Paper, form: str, scored: bool) -> Listing:
        rng, k = self.rng, self.k
        if paper.has_code:
            code = rng.random() >= k.code_flag_miss
        else:
            code = rng.random() < k.code_flag_spurious
        score = round(rng.uniform(0.5, 60.0), 1) if scored and form != "abstract" else None
        return Listing(
            paper,
            form,
            code,
            score,
            show_affiliations=rng.random() >= k.affiliation_omit,
            show_year=rng.random() >= k.yearless_rate,
        )

    def plan(self) -> list[PagePlan]:
        k, rng, u = self.k, self.rng, self.u
        ranked = sorted(range(len(u.names)), key=lambda p: (-len(u.person_papers[p]), p))
        shown_anywhere: set[int] = set()
        on_profile: set[int] = set()
        plans: list[PagePlan] = []

        # Profiles of the most prolific authors, until they hold profile_share of the papers.
        budget, at = k.profile_share * k.papers, 0
        while at < len(ranked) and budget > 0:
            person = ranked[at]
            mine = u.person_papers[person]
            if len(mine) < k.profile_min_papers:
                break
            at += 1
            chosen = sorted(mine, key=lambda pid: (-u.papers[pid].year, pid))[: k.profile_max]
            rng.shuffle(chosen)
            mixed = rng.random() < k.mixed_profile_share
            scored = rng.random() < k.scored_page_rate
            plan = PagePlan("mixed" if mixed else "profile", [], person=person)
            for pid in chosen:
                form = rng.choice(["separate", "glued"]) if mixed else "separate"
                plan.listings.append(self.listing(u.papers[pid], form, scored))
            if mixed and len(plan.listings) > 8:  # a year section of bare abstracts at the end
                tail = plan.listings[-rng.randint(2, 6) :]
                del plan.listings[-len(tail) :]
                plan.year_section = [self.listing(li.paper, "abstract", False) for li in tail]
            plans.append(plan)
            budget -= len(chosen)
            on_profile.update(chosen)
            shown_anywhere.update(li.paper.pid for li in plan.listings)

        # Abstract-only pages of the next authors: ambiguous names, bare abstracts by year.
        budget = k.abstract_share * k.papers
        abstract_only: set[int] = set()
        while at < len(ranked) and budget > 0:
            person = ranked[at]
            at += 1
            mine = u.person_papers[person][: k.abstract_page_max]
            if len(mine) < 3:
                break
            name = u.names[person]
            belong = [name] * rng.choice([2, 2, 2, 3]) if rng.random() < 0.9 else [name]
            plan = PagePlan("abstract", [], person=person, may_belong=belong)
            plan.year_section = [self.listing(u.papers[pid], "abstract", False) for pid in mine]
            plans.append(plan)
            budget -= len(mine)
            for pid in mine:
                if pid not in on_profile and rng.random() < k.abstract_only:
                    abstract_only.add(pid)

        # Listing pages: every other paper at least once, plus re-listed ones.
        remaining = [
            p.pid for p in u.papers if p.pid not in shown_anywhere and p.pid not in abstract_only
        ]
        rng.shuffle(remaining)
        shown_list = sorted(shown_anywhere)
        while remaining:
            size = rng.randint(k.page_min, k.page_max)
            fresh_count = max(1, round(size * (1 - k.relist)))
            fresh, remaining = remaining[:fresh_count], remaining[fresh_count:]
            relisted = rng.sample(shown_list, min(len(shown_list), size - len(fresh)))
            pids = fresh + [pid for pid in relisted if pid not in fresh]
            rng.shuffle(pids)
            mixed = rng.random() < k.mixed_share
            scored = rng.random() < k.scored_page_rate
            plan = PagePlan("mixed" if mixed else "listing", [])
            for pid in pids:
                form = rng.choice(["separate", "glued"]) if mixed else "glued"
                # a scored page scores most of its records, not all (seeds/003: one of 15)
                plan.listings.append(
                    self.listing(u.papers[pid], form, scored and rng.random() < 0.8)
                )
            plans.append(plan)
            shown_list.extend(fresh)
        order = list(range(len(plans)))
        rng.shuffle(order)
        return [plans[i] for i in order]


def generate(knobs: Knobs, out: Path, truth: bool = True) -> dict[str, Any]:
    """Write the corpus; return the manifest."""
    capture = date.fromisoformat(knobs.capture_date)
    gen = Generator(knobs)
    universe = gen.universe()
    plans = Planner(universe, gen.rng, capture).plan()
    renderer = Renderer(universe, gen.rng, capture)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    pages_truth: dict[str, list[dict[str, Any]]] = {}
    layouts: dict[str, int] = {}
    forms: dict[str, int] = {}
    digest = hashlib.sha256()
    total_bytes = 0
    for index, plan in enumerate(plans):
        lines, records = renderer.render(plan)
        tag = hashlib.sha1(f"{knobs.seed}:{knobs.papers}:{index}".encode()).hexdigest()[:16]
        name = f"{index:06d}_{tag}.txt"
        data = "\n".join(lines).encode("utf-8")
        (out / name).write_bytes(data)
        digest.update(name.encode() + b"\0" + data + b"\0")
        total_bytes += len(data)
        pages_truth[name] = records
        layouts[plan.layout] = layouts.get(plan.layout, 0) + 1
        for record in records:
            if record.get("kind") != "profile":
                forms[record["form"]] = forms.get(record["form"], 0) + 1
    shown = {a for p in universe.papers for a in p.authors[:3]}
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "knobs": asdict(knobs),
        "pages": len(plans),
        "layouts": dict(sorted(layouts.items())),
        "records": dict(sorted(forms.items())),
        "papers": len(universe.papers),
        "papers_listed": len(
            {r["paper"] for rs in pages_truth.values() for r in rs if "paper" in r}
        ),
        "names_in_pool": len(universe.names),
        "names_shown": len(shown),
        "bytes": total_bytes,
        "sha256": digest.hexdigest(),
        "top_authors": [
            universe.names[p]
            for p in sorted(
                range(len(universe.names)), key=lambda p: (-len(universe.person_papers[p]), p)
            )[:5]
        ],
    }
    if truth:
        document = {
            "capture_date": knobs.capture_date,
            "pages": pages_truth,
            "titles": {str(p.pid): p.title for p in universe.papers},
        }
        (out / "truth.json").write_text(
            json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a deterministic synthetic corpus of arXiv author pages.",
        epilog="Every knob of the Knobs dataclass is an option (--profile-share 0.5 ...).",
    )
    parser.add_argument("--papers", type=parse_size, default=Knobs.papers, help="1000, 10k, 100k")
    parser.add_argument("--out", type=Path, required=True, help="folder for the pages")
    parser.add_argument("--no-truth", action="store_true", help="skip truth.json")
    for f in fields(Knobs):
        if f.name == "papers":
            continue
        parser.add_argument(
            f"--{f.name.replace('_', '-')}",
            type=type(f.default),
            default=f.default,
            help=f"[default: {f.default}]",
        )
    args = parser.parse_args(argv)
    knobs = Knobs(**{f.name: getattr(args, f.name) for f in fields(Knobs)})
    manifest = generate(knobs, args.out, truth=not args.no_truth)
    summary = {k: manifest[k] for k in ("pages", "layouts", "records", "papers", "bytes")}
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
