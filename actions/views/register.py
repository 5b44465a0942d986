"""The board's whole register: one dashboard and one board pack (page, PDF, XLSX, CSV)
across every open source of the board's service (a source is open while one of its
recommendations is not closed), filterable by kind of source (`?kind=`, repeatable).

The per-source pages (`board.py`) and these share the pack's reads (`packs.register_context`)
and the pages' rendering (`board.render_dashboard`, `board.render_pack`)."""

from __future__ import annotations

from django.urls import reverse

from actions import packs
from actions.board_forms import KindFilterForm
from actions.views.board import read_position, render_dashboard, render_pack
from inspections import permissions as perms
from inspections.models import Board, Inspection
from yjtracker import render_slots


def _register(request, pk: int, *, with_since: bool) -> tuple[dict, dict, Board]:
    board = perms.get_for_user(request.user, Board.objects.select_related("service"), pk)
    service = board.service
    kind_form = KindFilterForm(request.GET if "kind" in request.GET else None)
    kinds = kind_form.cleaned_data["kind"] if kind_form.is_bound and kind_form.is_valid() else []
    position = read_position(request, service.pk, with_since=with_since)
    if kind_form.errors:
        position["kind_errors"] = True
    context = packs.register_context(
        packs.whole_register(service, kinds),
        service=service,
        title=f"Whole register of {board}",
        as_at=position["as_at"],
        since=position.get("since_choice"),
        meeting=position["meeting"],
    )
    sources = packs.open_sources(service).order_by("-published_on", "title")
    if kinds:
        sources = sources.filter(kind__in=kinds)
    labels = dict(Inspection.Kind.choices)
    context.update(
        {
            "whole_register": True,
            "register_sources": list(sources),
            "kind_form": kind_form,
            "kinds_chosen": kinds,
            "kind_labels": [labels[k] for k in kinds],
            "pack_params": [("kind", k) for k in kinds],
        }
    )
    return context, position, board


def register_dashboard(request, pk: int):
    context, position, board = _register(request, pk, with_since=False)
    context.update(
        {
            "pack_url": reverse("register_pack", args=[board.pk]),
            "back_url": reverse("home"),
            "back_label": "Back to home",
            "actions_query": f"service={board.service_id}",
        }
    )
    return render_dashboard(request, context, position)


@render_slots.bounded_renders(formats={"pdf", "xlsx"})
def register_pack(request, pk: int):
    """The whole register's pack: printable page, or ?format=pdf|xlsx|csv."""
    context, position, board = _register(request, pk, with_since=True)
    context["back_url"] = reverse("register_dashboard", args=[board.pk])
    if context["kinds_chosen"]:
        context["back_url"] += "?" + "&".join(f"kind={k}" for k in context["kinds_chosen"])
    return render_pack(request, context, position, name=f"{board} whole register")
