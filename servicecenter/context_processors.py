from .roles import ROLE_LABELS, is_station_head, user_roles


def roles(request):
    names = user_roles(getattr(request, "user", None))
    return {"user_roles": names, "user_role_labels": [ROLE_LABELS[r] for r in sorted(names) if r in ROLE_LABELS],
            # read only when a page's menu asks (one query, for handlers only)
            "user_is_station_head": lambda: is_station_head(getattr(request, "user", None))}
