from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Model evaluation"
    role_permissions = {
        "admin": [
            "evaluation.add_tag",
            "evaluation.change_tag",
            "evaluation.view_tag",
            "generation.add_modelversion",
            "generation.change_modelversion",
            "generation.view_modelversion",
            "evaluation.view_rating",
            "evaluation.view_round",
            "evaluation.change_round",
            "evaluation.view_vote",
        ],
    }
