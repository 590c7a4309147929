"""Flow diagrams in Mermaid, drawn by transitions' GraphMachine (no binary needed)."""

from __future__ import annotations

from transitions.extensions.diagrams import GraphMachine

from flows.schema import Flow


class _Model:
    """GraphMachine needs a model to hang its graph on."""


def mermaid(flow: Flow) -> str:
    """A `stateDiagram-v2` of the flow: each edge labelled with the answer that takes it."""
    edges = []
    for state in flow.states.values():
        if state.choices:
            for choice in state.choices:
                edges.append({"trigger": _edge_label(choice.label), "source": state.id,
                              "dest": choice.next})
        elif state.next:
            edges.append({"trigger": "skip or answer" if state.kind == "optional_text"
                          else "answer", "source": state.id, "dest": state.next})
    model = _Model()
    GraphMachine(model=model, states=list(flow.states), transitions=edges, initial=flow.start,
                 auto_transitions=False, graph_engine="mermaid", title=flow.title,
                 show_conditions=False)
    return str(model.get_graph().draw(None))


def _edge_label(label: str) -> str:
    """Mermaid edge text cannot hold colons or quotes; keep it short and safe."""
    cleaned = "".join(ch for ch in label if ch not in ':;"#{}[]<>')
    return cleaned if len(cleaned) <= 40 else cleaned[:39] + "…"
