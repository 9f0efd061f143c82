from django.shortcuts import redirect

from .roles import landing_url


def home(request):
    """`/`: the sign-in page for a visitor, the role's own page for a signed-in user."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(landing_url(request.user))
