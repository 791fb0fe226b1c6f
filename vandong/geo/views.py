from django.http import HttpRequest, HttpResponse


def browse(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def search(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse("")
