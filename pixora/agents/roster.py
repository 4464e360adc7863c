"""Build the SDK agents from a roster file (`agents.yaml`).

The default roster ships inside the package (`pixora/agents/agents.yaml`; the repository's
top-level `agents.yaml` links to it). `PIXORA_ROSTER` points at a user's own file, whose
`instructions` files are looked up beside it first, then among the packaged prompts.

A roster that names an unknown tool, an unknown handoff target or a missing prompt file fails
at start with a `RosterError` that gives the file and line that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from agents import Agent, Model, RunContextWrapper, Tool, handoff

from pixora.context.task_view import task_instructions
from pixora.tools.context import AgentContext

PROMPTS_DIR = Path(__file__).parent / "prompts"
DEFAULT_ROSTER = Path(__file__).parent / "agents.yaml"


class RosterError(ValueError):
    """agents.yaml is wrong; the message starts with `file:line:`."""


@dataclass(frozen=True)
class AgentSpec:
    name: str
    description: str
    instructions: Path
    model: str
    tools: tuple[str, ...]
    handoffs: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Roster:
    start: str
    specs: dict[str, AgentSpec] = field(default_factory=dict)


def _lines(node: yaml.Node, path: tuple[str, ...]) -> int:
    """1-based line of the YAML node at `path` (mapping keys), or of the deepest one found."""
    for key in path:
        if not isinstance(node, yaml.MappingNode):
            break
        for k, v in node.value:
            if k.value == key:
                node = v
                break
        else:
            break
    return node.start_mark.line + 1


def _prompt_file(roster: Path, name: str) -> Path | None:
    for folder in (roster.parent, PROMPTS_DIR):
        if (folder / name).is_file():
            return folder / name
    return None


def load_roster(tool_names: Collection[str], path: Path | None = None) -> Roster:
    """Read and validate a roster file (`path`, else the packaged default). `tool_names` are
    the tools an agent may list.

    Raises:
        RosterError: unreadable YAML, a missing field, an unknown tool or handoff target, or a
            missing prompt file; the message names the file and line.
    """
    path = path or DEFAULT_ROSTER
    try:
        text = path.read_text()
    except OSError as err:
        raise RosterError(f"{path}: cannot read the roster ({err.strerror})") from None
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise RosterError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("agents"), dict):
        raise RosterError(f"{path}:1: expected a mapping with an `agents` section")
    assert tree is not None

    def fail(where: tuple[str, ...], message: str) -> RosterError:
        return RosterError(f"{path}:{_lines(tree, where)}: {message}")

    names = set(data["agents"])
    specs: dict[str, AgentSpec] = {}
    for name, raw in data["agents"].items():
        where = ("agents", name)
        if not isinstance(raw, dict):
            raise fail(where, f"agent {name!r} must be a mapping")
        for key in ("description", "instructions"):
            if not raw.get(key):
                raise fail(where, f"agent {name!r} has no {key}")
        prompt = _prompt_file(path, str(raw["instructions"]))
        if prompt is None:
            raise fail((*where, "instructions"),
                       f"agent {name!r}: prompt file {raw['instructions']!r} not found")
        for t in raw.get("tools", []):
            if t not in tool_names:
                raise fail((*where, "tools"), f"agent {name!r}: unknown tool {t!r}")
        for h in raw.get("handoffs", []):
            if h not in names:
                raise fail((*where, "handoffs"), f"agent {name!r}: unknown handoff target {h!r}")
        specs[name] = AgentSpec(
            name=name, description=raw["description"], instructions=prompt,
            model=str(raw.get("model", "default")), tools=tuple(raw.get("tools", [])),
            handoffs=tuple(raw.get("handoffs", [])), line=_lines(tree, where),
        )
    start = data.get("start", "video")
    if start not in specs:
        raise fail(("start",), f"start agent {start!r} is not in the roster")
    return Roster(start=start, specs=specs)


def _instructions(spec: AgentSpec) -> Callable[..., object]:
    body = spec.instructions.read_text()

    async def instructions(ctx: RunContextWrapper[AgentContext], agent: Agent) -> str:
        return task_instructions(body, await ctx.context.task())

    return instructions


def build_agents(
    roster: Roster, tools: Mapping[str, Tool], model_for: Callable[[AgentSpec], Model | str]
) -> dict[str, Agent[AgentContext]]:
    """SDK agents for every roster entry, handoffs wired. `tools` maps the names the roster
    lists to tools; `model_for` picks each agent's model."""
    agents: dict[str, Agent[AgentContext]] = {
        name: Agent[AgentContext](
            name=name,
            handoff_description=spec.description,
            instructions=_instructions(spec),
            model=model_for(spec),
            tools=[tools[t] for t in spec.tools],
        )
        for name, spec in roster.specs.items()
    }
    for name, spec in roster.specs.items():
        agents[name].handoffs = [handoff(agents[h]) for h in spec.handoffs]
    return agents
