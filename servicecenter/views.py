from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect

from .roles import landing_url


def home(request):
    """`/`: the sign-in page for a visitor, the role's own page for a signed-in user."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(landing_url(request.user))


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def placeholder(request, title):
    from django.shortcuts import render

    return render(request, "placeholder.html", {"title": title})
