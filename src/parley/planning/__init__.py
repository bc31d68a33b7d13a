"""Batch planning: the next batch of an exchange phase under parity and priority rules.

Pure: no I/O; from the rest of Parley it imports only `parley.domain`, whose
vocabulary it speaks (`Category`, `Sex`, `ExchangeMode`, `PersonRef`, re-exported
here so a caller needs one import). The app turns its person records and
agreement terms into `Candidate` and `ExchangeTerms`, calls `plan_batch`, and
records the `BatchProposal`, whose decisions say for every candidate why they
are in or out.
"""

from parley.domain.agreements import ExchangeMode, PersonRef
from parley.domain.persons import Category, Sex
from parley.planning.check import check_batch
from parley.planning.counts import SolveStatus
from parley.planning.errors import Constraint, InfeasibleTerms, InvalidTerms, PlanningError
from parley.planning.planner import DEFAULT_TIME_LIMIT_S, plan_batch
from parley.planning.priority import priority_key
from parley.planning.proposal import BatchProposal, Decision, PhaseBalance, Reason
from parley.planning.terms import Candidate, ExchangeTerms, Side, SideTerms

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "BatchProposal",
    "Candidate",
    "Category",
    "Constraint",
    "Decision",
    "ExchangeMode",
    "ExchangeTerms",
    "InfeasibleTerms",
    "InvalidTerms",
    "PersonRef",
    "PhaseBalance",
    "PlanningError",
    "Reason",
    "Sex",
    "Side",
    "SideTerms",
    "SolveStatus",
    "check_batch",
    "plan_batch",
    "priority_key",
]
