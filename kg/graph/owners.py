"""Who a header-less listing page belongs to, when its records say so clearly (pure).

A bare listing page (seeds 002 and 003) prints no owner, but the site lists one person's
papers on it, so that person's name is in every author list the page prints in full. The
rule (``inferred-owner``, ontology/MODEL.md): among the page's records that show a full
author list (some names, no "et al."), at least ``MIN_EVIDENCE`` of them, exactly one name
is in every one; that name is the inferred owner and the count is the evidence. Two names
always printed together, or too few full lists, infer nothing: a guess would be a claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from kg.graph.identity import canonical
from kg.read.model import PaperRecord

MIN_EVIDENCE = 3  # two full lists sharing a co-author are common; three rarely by chance


class InferredOwner(NamedTuple):
    name: str
    evidence: int  # the full author lists it is in: all of the page's


def inferred_owner(records: Iterable[PaperRecord]) -> InferredOwner | None:
    full_lists = [
        {canonical(name) for name in record.authors}
        for record in records
        if record.authors and not record.et_al
    ]
    if len(full_lists) < MIN_EVIDENCE:
        return None
    in_every = set.intersection(*full_lists)
    if len(in_every) != 1:
        return None
    return InferredOwner(in_every.pop(), len(full_lists))
