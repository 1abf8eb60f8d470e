"""The workbook model: typed agenda, activities and worksheets of a facilitator workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deckgen.diagnostics import Pos

_NOWHERE = Pos(Path("."))

# Print order of the default worksheet set; every kind has a drawing in workbook.py.
WORKSHEET_KINDS = (
    "landscape",
    "sizing-ladder",
    "four-arguments",
    "risk-register",
    "recipe-builder",
    "jtbd-pitch",
    "effort-impact",
    "dot-vote",
    "roadmap",
    "parking-lot",
    "card-sort",
)


@dataclass(frozen=True)
class Ref:
    """A card or category id as written in workbook.yaml, kept with its place for diagnostics."""

    id: str
    pos: Pos = _NOWHERE


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    summary: str | None = None
    pos: Pos = _NOWHERE


@dataclass(frozen=True)
class Step:
    do: str
    minutes: int
    pos: Pos = _NOWHERE


@dataclass(frozen=True)
class Activity:
    id: str
    title: str
    purpose: str
    steps: tuple[Step, ...]
    phase: str | None = None
    grouping: str | None = None
    materials: tuple[str, ...] = ()
    say: tuple[str, ...] = ()
    cards: tuple[Ref, ...] = ()
    categories: tuple[Ref, ...] = ()
    worksheet: str | None = None
    output: str | None = None
    pitfalls: tuple[str, ...] = ()
    pos: Pos = _NOWHERE

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


@dataclass(frozen=True)
class Slot:
    """One line of an agenda: an activity, a plain item, or a break."""

    minutes: int
    activity: str | None = None
    title: str | None = None
    is_break: bool = False
    materials: tuple[str, ...] | None = None  # None: take the activity's
    output: str | None = None
    note: str | None = None
    pos: Pos = _NOWHERE


@dataclass(frozen=True)
class Day:
    title: str
    start: int  # minutes after midnight
    slots: tuple[Slot, ...]

    @property
    def end(self) -> int:
        return self.start + sum(slot.minutes for slot in self.slots)


@dataclass(frozen=True)
class Agenda:
    id: str
    title: str
    days: tuple[Day, ...]
    summary: str | None = None


@dataclass(frozen=True)
class Role:
    name: str
    does: tuple[str, ...] = ()
    count: str | None = None


@dataclass(frozen=True)
class Participant:
    who: str
    why: str | None = None


@dataclass(frozen=True)
class ChecklistStage:
    when: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Materials:
    in_person: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorksheetSpec:
    kind: str  # one of WORKSHEET_KINDS
    title: str | None = None  # None: the kind's own title
    note: str | None = None  # instructions printed under the title


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str


@dataclass(frozen=True)
class Workbook:
    title: str | None = None
    intro: tuple[str, ...] = ()
    anatomy: Ref | None = None  # the card shown with its parts labelled
    phases: tuple[Phase, ...] = ()
    roles: tuple[Role, ...] = ()
    participants: tuple[Participant, ...] = ()
    checklist: tuple[ChecklistStage, ...] = ()
    materials: Materials | None = None
    agendas: tuple[Agenda, ...] = ()
    activities: tuple[Activity, ...] = ()
    worksheets: tuple[WorksheetSpec, ...] | None = None  # None: the default set
    glossary: tuple[GlossaryEntry, ...] = ()

    def activity(self, activity_id: str) -> Activity | None:
        for act in self.activities:
            if act.id == activity_id:
                return act
        return None

    def phase(self, phase_id: str | None) -> Phase | None:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        return None
