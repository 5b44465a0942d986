"""The inspection page: ratings by domain with key questions, score, findings and
recommendations."""

from itertools import groupby

from django.shortcuts import render

from inspections import permissions as perms
from inspections.models import Finding
from inspections.selectors import inspection_with_ratings


def inspection_detail(request, pk: int):
    inspection = perms.get_for_user(request.user, inspection_with_ratings(), pk)
    ratings = list(inspection.ratings.all())
    findings = list(inspection.findings.all())
    by_standard = {
        code: list(group)
        for code, group in groupby(
            [f for f in findings if f.standard_id], key=lambda f: f.standard.code
        )
    }
    stated_elsewhere = [f for f in findings if not f.standard_id]
    sections = []
    for domain, group in groupby(ratings, key=lambda r: r.standard.domain):
        rows = []
        for rating in group:
            standard_findings = by_standard.get(rating.standard.code, [])
            rows.append(
                {
                    "rating": rating,
                    "computed": rating.computed_level(),
                    "strengths": [f for f in standard_findings if f.kind == Finding.Kind.STRENGTH],
                    "areas": [
                        f for f in standard_findings if f.kind == Finding.Kind.AREA_FOR_IMPROVEMENT
                    ],
                }
            )
        sections.append({"domain": domain, "rows": rows})
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "score": inspection.score_summary(),
            "sections": sections,
            "stated_elsewhere": stated_elsewhere,
            "recommendations": inspection.recommendations.all(),
            "can_add": perms.can_edit_plan(request.user, inspection),
        },
    )
