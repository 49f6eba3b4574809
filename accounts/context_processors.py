def roles(request):
    """Expose the signed-in user's roles to templates."""
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "is_artist": authenticated and user.is_artist,
        "is_moderator": authenticated and user.is_moderator,
    }
