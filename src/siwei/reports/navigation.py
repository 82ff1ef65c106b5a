"""Menu entries of reports and data, one list per area."""

from . import (
    navigation_catalog,
    navigation_exports,
    navigation_imports,
    navigation_kpis,
    navigation_printing,
)

NAV = [item for module in (navigation_catalog, navigation_kpis, navigation_printing,
                           navigation_imports, navigation_exports)
       for item in module.NAV]
