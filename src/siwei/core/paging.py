from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 50):
    """The requested page of a list page (``?page=``); out-of-range pages give the last."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
