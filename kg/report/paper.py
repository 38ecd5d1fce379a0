"""A paper's page: what the graph says of one paper, its authors (with where the list came
from: the pages, or the arXiv record it is linked to), its abstract, BibTeX and the evidence
of every listing."""

from __future__ import annotations

from kg.report.bib import entry_block
from kg.report.data import Paper
from kg.report.html import badge, definition_list, e, page, plural, section, table
from kg.report.pages import EVIDENCE, Context, source_anchor


def _seen(paper: Paper) -> str:
    """kg:firstSeen and kg:lastSeen: the capture dates of the pages that list the paper."""
    if not paper.first_seen or paper.first_seen == paper.last_seen:
        return e(paper.first_seen)
    return e(f"first {paper.first_seen}, last {paper.last_seen}")


def _arxiv_link(arxiv_id: str) -> str:
    return f'<a class="arxiv" href="https://arxiv.org/abs/{e(arxiv_id)}">arXiv:{e(arxiv_id)}</a>'


def paper_page(ctx: Context, paper: Paper) -> str:
    depth = 1
    items = []
    record = paper.arxiv_id
    for a in paper.authors:
        agent = ctx.site.agents.get(a.agent)
        extra = badge("ambiguous name", "ambiguous") if agent and agent.ambiguous else ""
        if record and not a.printed:  # behind "et al." on every page: the record names them
            extra += badge("from arXiv", "arxiv")
        name = agent.name if agent else ""
        printed = (
            f' <span class="hint">(printed “{e(a.printed)}”)</span>'
            if a.printed and a.printed != name
            else ""
        )
        items.append(
            f'<li value="{a.ordinal}">{ctx.links.to(a.agent, depth)}{printed} {extra}</li>'
        )
    if not paper.complete:
        items.append('<li class="etal">et al.</li>')
    authors = f'<ol class="authors">{"".join(items)}</ol>\n' if items else ""
    if not paper.complete:
        authors += (
            f'<p class="hint">The author list is incomplete (kg:authorListComplete false): '
            f"the pages showed {e(plural(paper.shown or 0, 'name'))}.</p>\n"
        )
    elif record:
        from_record = sum(1 for a in paper.authors if not a.printed)
        authors += (
            f'<p class="hint">The full list is the one of arXiv record {_arxiv_link(record)}: '
            f"{e(plural(len(paper.authors), 'author'))}, of whom the pages printed "
            f"{len(paper.authors) - from_record}; the {from_record} marked “from arXiv” "
            "were behind “et al.”.</p>\n"
            if from_record
            else f'<p class="hint">The arXiv record {_arxiv_link(record)} confirms the '
            "printed list.</p>\n"
        )
    date = e(paper.issued or "unknown")
    if paper.year_inferred:
        date += ' <span class="hint">(year inferred from the capture date)</span>'
    repos = "<br>".join(
        f'<a class="repo" href="{e(r.url)}">{e(r.url)}</a> {ctx.links.iri(r.iri)}'
        for r in paper.repos
    )
    code = "yes" if paper.has_code else "no"
    if paper.evidence:
        code += " — " + "; ".join(e(EVIDENCE.get(x, ctx.links.short(x))) for x in paper.evidence)
    doi = paper.doi_iri
    body = definition_list(
        [
            ("arXiv", _arxiv_link(record) if record else ""),
            (
                "DOI",
                f'<a href="{e(doi)}">{e(doi.removeprefix("https://doi.org/"))}</a>' * bool(doi),
            ),
            ("Submitted (v1)", e(paper.submitted)),
            ("Issued", date),
            ("Topics", " ".join(ctx.links.to(t, depth, cls="tag") for t in paper.topics)),
            ("Cross-listed in", " ".join(ctx.links.to(t, depth, cls="tag") for t in paper.cross)),
            (
                "Organisations",
                ", ".join(f"{e(o.name)} {ctx.links.iri(o.iri)}" for o in paper.orgs),
            ),
            ("Has code", e(code) if not paper.evidence else code),
            ("Repositories", repos),
            ("Other links", "<br>".join(f'<a href="{e(u)}">{e(u)}</a>' for u in paper.urls)),
            ("Seen on captures", _seen(paper)),
        ]
    )
    body += section(
        "Authors, in the arXiv record's order" if record else "Authors, in printed order",
        authors or '<p class="empty">No authors shown.</p>\n',
        "authors",
    )
    if paper.abstract:
        body += section("Abstract", f'<p class="abstract">{e(paper.abstract)}</p>\n', "abstract")
    entry = ctx.bibtex.get(paper.iri)
    if entry and paper.iri in ctx.links.paths:
        block = entry_block(entry.text, ctx.links.paths[paper.iri], entry.key)
        body += section("BibTeX", block, "bibtex")
    rows = [
        [
            f'<a href="../index.html#{source_anchor(x.file)}">{e(x.file)}</a>',
            e(x.line),
            e(x.form),
            e(x.category),
            f'<span class="nowrap">{e(x.date)}</span>',
            {True: "Code", False: "no", None: ""}[x.code_flag],
            e(x.score or ""),
            e("" if x.author_count is None else x.author_count),
            f'<span class="nowrap">{e(x.captured)}</span>',
            ctx.links.iri(x.iri),
        ]
        for x in paper.listings
    ]
    headers = [
        "page",
        "line",
        "form",
        "category",
        "date",
        "code flag",
        "score",
        "authors shown",
        "captured",
        "listing",
    ]
    body += section(
        f"Evidence: {plural(len(paper.listings), 'listing')}",
        '<p class="hint">What each page that lists this paper printed (kg:Listing).</p>\n'
        + table(headers, rows, numeric="167"),
        "evidence",
    )
    return page(
        paper.label, body, depth, "papers.html", paper.iri, "Paper", e("arXiv preprint · ") + date
    )
