"""The managers' KPIs against targets (FN-6): the KPI list, the monthly targets the store
manager enters, the actual figures read from the departments' selectors, the ``kpis``
report and the home card."""
