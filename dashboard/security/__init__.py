"""Security: who is asking, what they may do, and the record of what they did.

Owns ``access`` (every access rule and the security headers, checked for every request),
``auth`` (sign-in, sessions, personal access tokens), ``users`` (the accounts file),
``signins`` (+ ``signins.sql``: the servers' shared session records and failed sign-ins),
``audit`` (the audit log), ``callback_body`` (what a well-formed Dash callback request is, checked
before Dash sees it) and ``caching`` (what a shared cache and the browser may keep, which depends
on who asked).

May import: the spine (``dashboard.i18n``, ``dashboard.context``, ``dashboard.data``),
``dashboard.components`` (the table's cell rules ``callback_body`` checks) and ``pipelines``.
Never ``pages``, ``views``, ``serving``, ``intake``, ``opendata`` or ``api``: they all ask this
package, so it cannot ask them.
"""
