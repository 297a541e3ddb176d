"""What every page's shell needs: the user's parks, the active park, navigation."""

from parkops.core import navigation


def shell(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return navigation.shell_context(request)
