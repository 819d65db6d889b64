"""The layout rules the code keeps: pure rates, one market reader, plain blueprint imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import crm
from crm.market.facts import Market
from crm.rates import addons, affiliate, benchmark, quotes, tiers

PACKAGE = Path(crm.__file__).parent


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "rates").glob("*.py")), ids=lambda p: p.name)
def test_the_rates_folder_is_pure_functions(path: Path) -> None:
    impure = ("flask", "sqlalchemy", "crm.database", "crm.market.current", "crm.accounts")
    assert not [m for m in _imports(path) if m.startswith(impure)]


@pytest.mark.parametrize(
    "function",
    [
        tiers.tier_for,
        tiers.standing,
        quotes.sponsored_quote,
        quotes.ugc_quote,
        affiliate.affiliate_estimate,
        affiliate.programs_for,
        benchmark.compare_month,
        addons.default_policy,
        addons.policy_from,
        addons.apply_add_ons,
    ],
)
def test_every_calculation_must_be_given_the_market(function) -> None:
    import inspect

    parameter = inspect.signature(function).parameters["market"]
    assert parameter.default is inspect.Parameter.empty


def test_the_market_has_no_raw_toml_to_reach_into() -> None:
    assert "raw" not in Market.__dataclass_fields__


def test_no_module_imports_a_sibling_at_its_bottom() -> None:
    late = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        seen_code = False
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                seen_code = True
            elif seen_code and isinstance(node, ast.Import | ast.ImportFrom):
                late.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert late == []


def test_blueprints_and_populators_are_not_named_by_strings() -> None:
    for name in ("__init__.py", "demo.py"):
        assert "import_module" not in (PACKAGE / name).read_text()
