from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = "Contests"
    role_permissions = {
        "admin": [
            "contests.manage_contests",
            "contests.add_contest",
            "contests.change_contest",
            "contests.view_contest",
            "contests.view_entry",
            "contests.view_scorecard",
            "contests.add_criterion",
            "contests.change_criterion",
            "contests.delete_criterion",
            "contests.view_criterion",
        ],
        "judge": ["contests.judge_entries"],  # the judge role; each contest still names its own judges
    }

    def ready(self) -> None:
        from contests import hooks  # noqa: F401  (connects to approvals' clip_left_publication)
