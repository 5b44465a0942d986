from django.urls import include, path

from actions.api import pages as api_tokens
from actions.views import (
    account,
    board,
    imports,
    links,
    meetings,
    notifications,
    people,
    recommendations,
    records,
    register,
    rounds,
)
from actions.views import actions as views

urlpatterns = [
    path("actions/", views.all_actions, name="action_list"),
    path("actions/mine/", views.my_actions, name="my_actions"),
    path("actions/round/", rounds.update_round, name="update_round"),
    path("actions/<id:pk>/", views.action_detail, name="action_detail"),
    path("actions/<id:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<id:pk>/cancel/", views.action_cancel, name="action_cancel"),
    path("actions/<id:pk>/updates/", views.update_create, name="update_create"),
    path("updates/<id:pk>/correct/", views.update_correct, name="update_correct"),
    path("actions/<id:pk>/evidence/", views.evidence_create, name="evidence_create"),
    path("actions/<id:pk>/date-change/", views.date_change_create, name="date_change_create"),
    path("date-changes/<id:pk>/", views.date_change_decide, name="date_change_decide"),
    path("evidence/<id:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<id:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
]

urlpatterns += [
    path(
        "recommendations/<id:pk>/",
        recommendations.recommendation_detail,
        name="recommendation_detail",
    ),
    path("recommendations/<id:pk>/plan/start/", recommendations.plan_start, name="plan_start"),
    path("recommendations/<id:pk>/actions/new/", recommendations.action_add, name="action_add"),
    path("recommendations/<id:pk>/plan/submit/", recommendations.plan_submit, name="plan_submit"),
    path(
        "recommendations/<id:pk>/plan/approve/", recommendations.plan_approve, name="plan_approve"
    ),
    path("recommendations/<id:pk>/plan/return/", recommendations.plan_return, name="plan_return"),
    path(
        "recommendations/<id:pk>/propose-closure/",
        recommendations.propose_closure,
        name="propose_closure",
    ),
    path("recommendations/<id:pk>/sign-off/", recommendations.sign_off, name="sign_off"),
    path("recommendations/<id:pk>/send-back/", recommendations.send_back, name="send_back"),
    path("recommendations/<id:pk>/reopen/", recommendations.reopen, name="reopen"),
]

urlpatterns += [
    path("inspections/<id:pk>/board/", board.dashboard, name="dashboard"),
    path("inspections/<id:pk>/board-pack/", board.board_pack, name="board_pack"),
    path("boards/<id:pk>/register/", register.register_dashboard, name="register_dashboard"),
    path("boards/<id:pk>/register/pack/", register.register_pack, name="register_pack"),
    path("overview/", board.overview, name="overview"),
    path("boards/<id:pk>/meetings/", meetings.meeting_list, name="meeting_list"),
    path("boards/<id:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<id:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<id:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<id:pk>/issue/", meetings.pack_issue, name="pack_issue"),
    path(
        "packs/<id:pk>/pdf/",
        meetings.issued_pack_download,
        {"kind": "pdf"},
        name="issued_pack_pdf",
    ),
    path(
        "packs/<id:pk>/xlsx/",
        meetings.issued_pack_download,
        {"kind": "xlsx"},
        name="issued_pack_xlsx",
    ),
]

urlpatterns += [
    path("actions/<id:pk>/links/", links.update_links, name="update_links"),
    path("update-links/<id:pk>/revoke/", links.update_link_revoke, name="update_link_revoke"),
    path("update/<id:pk>/<token:token>/", links.partner_update, name="partner_update"),
]

urlpatterns += [
    path("plans/import/", imports.plan_import_start, name="plan_import_start"),
    path("plans/import/<id:pk>/", imports.plan_import_preview, name="plan_import_preview"),
]

urlpatterns += [
    path("account/", account.account, name="account"),
    path("account/calendar/reset/", account.calendar_feed_reset, name="calendar_feed_reset"),
    path("calendar/<token:token>.ics", account.calendar_feed, name="calendar_feed"),
]

urlpatterns += [
    path("account/api-tokens/new/", api_tokens.api_token_create, name="api_token_create"),
    path("account/api-tokens/created/", api_tokens.api_token_created, name="api_token_created"),
    path(
        "account/api-tokens/<id:pk>/revoke/",
        api_tokens.api_token_revoke,
        name="api_token_revoke",
    ),
    path("api/v1/", include("actions.api.urls")),
    path("recommendations/<id:pk>/response/", records.response_edit, name="response_edit"),
    path("recommendations/<id:pk>/measures/new/", records.measure_add, name="measure_add"),
    path("measures/<id:pk>/edit/", records.measure_edit, name="measure_edit"),
    path("measures/<id:pk>/readings/new/", records.reading_add, name="reading_add"),
    path("services/<id:pk>/people/", people.people_list, name="people_list"),
    path("services/<id:pk>/people/new/", people.person_add, name="person_add"),
    path("people/<id:pk>/edit/", people.person_edit, name="person_edit"),
]

urlpatterns += [
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<id:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read/", notifications.notifications_read_all, name="notifications_read_all"
    ),
]
