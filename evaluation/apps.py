from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Model evaluation"
    role_permissions = {
        "admin": [
            "evaluation.add_tag",
            "evaluation.change_tag",
            "evaluation.view_tag",
            "evaluation.add_modelversion",
            "evaluation.change_modelversion",
            "evaluation.view_modelversion",
            "evaluation.view_rating",
            "evaluation.view_round",
            "evaluation.change_round",
            "evaluation.view_vote",
        ],
    }
