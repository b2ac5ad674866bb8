"""Building blocks shared by the pages: map, KPI card, table with downloads, filters, popovers."""
