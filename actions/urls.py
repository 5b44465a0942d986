from django.urls import path

from actions.views import account, board, plans
from actions.views import actions as views

urlpatterns = [
    path("actions/", views.all_actions, name="action_list"),
    path("actions/mine/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action_cancel"),
    path("actions/<int:pk>/updates/", views.update_create, name="update_create"),
    path("actions/<int:pk>/evidence/", views.evidence_create, name="evidence_create"),
    path("actions/<int:pk>/date-change/", views.date_change_create, name="date_change_create"),
    path("date-changes/<int:pk>/", views.date_change_decide, name="date_change_decide"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
]

urlpatterns += [
    path("recommendations/<int:pk>/plan/start/", plans.plan_start, name="plan_start"),
    path("recommendations/<int:pk>/actions/new/", plans.action_add, name="action_add"),
    path("recommendations/<int:pk>/plan/submit/", plans.plan_submit, name="plan_submit"),
    path("recommendations/<int:pk>/plan/approve/", plans.plan_approve, name="plan_approve"),
    path("recommendations/<int:pk>/plan/return/", plans.plan_return, name="plan_return"),
    path(
        "recommendations/<int:pk>/propose-closure/",
        plans.propose_closure,
        name="propose_closure",
    ),
    path("recommendations/<int:pk>/sign-off/", plans.sign_off, name="sign_off"),
    path("recommendations/<int:pk>/send-back/", plans.send_back, name="send_back"),
    path("recommendations/<int:pk>/reopen/", plans.reopen, name="reopen"),
]

urlpatterns += [
    path("inspections/<int:pk>/board/", board.dashboard, name="dashboard"),
    path("inspections/<int:pk>/board-pack/", board.board_pack, name="board_pack"),
    path("overview/", board.overview, name="overview"),
]

urlpatterns += [
    path("account/", account.account, name="account"),
    path("account/calendar/reset/", account.calendar_feed_reset, name="calendar_feed_reset"),
    path("calendar/<str:token>.ics", account.calendar_feed, name="calendar_feed"),
]
