"""The staff inbox's views, one module per screen part; each view is thin: check access,
validate, call an `inbox.actions` function for writes, render a named partial."""
