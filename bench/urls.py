from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from imhcf.urls import urlpatterns as site

TINY = engines["django"].from_string("<p>Hello {{ name }}</p>")


def bare(request):
    """The baseline: full middleware, a signed-in user, one indexed query, a tiny template."""
    user = get_user_model().objects.only("username").get(pk=request.user.pk)
    return HttpResponse(TINY.render({"name": user.username}, request))


urlpatterns = [path("bench/bare/", bare), *site]
