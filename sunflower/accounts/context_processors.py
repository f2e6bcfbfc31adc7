def navigation(request):
    """The navigation a signed-in user sees; built from the access policy (see accounts.navigation)."""
    from sunflower.accounts.navigation import navigation_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user)}
