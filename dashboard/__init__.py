"""The dashboard: a multi-page Dash app over the published marts (see docs/marts.md)."""
