"""Every shape has a case folder (issue 4): tests/shacl/cases/<id>/case.toml breaks one thing
in a copy of tests/shacl/cases_shapes/base.ttl, and expected.json holds what the shape reports
for the case's focus node. The copies are validated together (two validations for all cases
keep the suite fast). See shapecases.py for the folder format.

Regenerate expected.json with ``pytest tests/shacl/test_shape_cases.py --update-golden`` after
a deliberate change, and read the diff before committing it.
"""

from __future__ import annotations

import difflib

import pyoxigraph as ox
import pytest
from shapecases import CASES_LIST, Case, as_quads, findings_json, found

from kg.shacl.plan import load_shapes
from kg.shacl.report import Report
from kg.shacl.run import validate


@pytest.fixture(scope="module")
def case_reports() -> tuple[Report, Report]:
    """All good graphs validated together, and all broken ones."""
    shapes = load_shapes()
    good: set[ox.Triple] = set()
    bad: set[ox.Triple] = set()
    for case in CASES_LIST:
        good |= case.graph(good=True)
        bad |= case.graph(good=False)
    return validate(as_quads(good), shapes=shapes), validate(as_quads(bad), shapes=shapes)


@pytest.mark.parametrize("case", CASES_LIST, ids=[c.name for c in CASES_LIST])
def test_shape_case(case: Case, case_reports: tuple[Report, Report], update_golden: bool) -> None:
    good, bad = case_reports
    assert not found(good, case.shape, case.focus_iri), "the conforming graph was reported"
    results = found(bad, case.shape, case.focus_iri)
    assert results, f"kgsh:{case.shape} did not report {case.focus_iri}"
    assert {r.severity.value for r in results} == {case.severity}
    assert all(r.message and "{?" not in r.message for r in results)
    actual = findings_json(case, results)
    expected_path = case.folder / "expected.json"
    if update_golden:
        expected_path.write_text(actual, encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True)
        )
        pytest.fail(
            f"{case.name}: differs from expected.json (--update-golden to accept)\n" + "".join(diff)
        )
