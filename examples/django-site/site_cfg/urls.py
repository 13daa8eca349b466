from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import path


def index(request):
    script = static("dist/main.js")
    return HttpResponse(f'<!doctype html><title>django-site</title><h1>hello</h1><script src="{script}"></script>')


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("", index), path("health", health)]
