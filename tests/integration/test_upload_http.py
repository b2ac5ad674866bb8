"""Sending files over real HTTP to the served app (gunicorn, two workers): ``POST /api/inlamning``.

One server per module over a warehouse of its own (one valid report ingested with
``python -m pipelines ingest``), with accounts and tokens made with ``UserStore``: a municipal
reporter for 0114, a coordinator and a viewer. Requests are built by hand (multipart bodies
included) and sent with ``urllib`` or a raw socket, as a script would send them.

What is checked: a valid report is read in, published as a new version and shown by the served
app; every refusal answers in Swedish, names the problem and leaves its record (the job's
``job.json``, the audit log, and ``mart_submissions`` for the files that reached the pipeline);
a browser session's upload needs the form's CSRF token, which must survive the callbacks drawn
beside the form; a body cut off mid-file leaves nothing but the audit entry; eight uploads at
once are read one after another, each as its own version, none lost.
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from dashboard.security.users import UserStore
from dashboard.serving.cluster import Server
from pipelines import reference
from tests.conftest import FIXTURES, query, run_cli

pytestmark = pytest.mark.slow

PASSWORD = "ett-langt-losenord-1"
KOMMUN = "0114"  # Upplands Väsby: the fixture report's municipality
OTHER = "0180"  # Stockholm
MB = 1024 * 1024
REGISTER = (
    "grant_id;decision_date;funding_year;municipality_code;county_code;project_title;category;"
    "amount_applied_sek;amount_granted_sek;amount_paid_sek\n"
    "BRA-2024-0007;2024-02-01;2024;0114;01;Trygg skolväg;school;300000;250000;250000\n"
)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61") + bytes(
    64
)


@dataclass
class Site:
    server: Server
    warehouse: Path
    uploads: Path
    audit: Path
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url


def report(code: str = KOMMUN, year: int = 2024) -> dict:
    """The fixture's valid report for ``code`` and ``year``; submitted when received."""
    data = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
    data.update(municipality_code=code, reporting_year=year)
    data.pop("submitted_at", None)
    data["funded_projects"] = []  # its grant id is in no register here
    return data


def as_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("upload_http")
    first = root / "rapport_0114_2024.json"
    data = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
    first.write_bytes(as_bytes(data))
    built = run_cli("ingest", "--warehouse", str(root / "warehouse"), str(first))
    assert built.returncode == 0, built.stdout + built.stderr
    store = UserStore(root / "users.toml")
    store.add("anna", "kommun", PASSWORD, KOMMUN)
    store.add("olle", "kommun", PASSWORD, OTHER)
    store.add("sam", "coordinator", PASSWORD)
    store.add("vera", "viewer", PASSWORD)
    tokens = {name: store.new_token(name) for name in ("anna", "olle", "sam", "vera")}
    env = {
        "BF_USERS_FILE": str(root / "users.toml"),
        "BF_AUDIT_LOG": str(root / "audit.log"),
        "BF_UPLOAD_DIR": str(root / "uploads"),
        "BF_PUBLIC": "1",
    }
    server = Server(root / "warehouse", root / "server.log", env=env).start()
    try:
        yield Site(server, root / "warehouse", root / "uploads", root / "audit.log", tokens)
    finally:
        server.stop()


# -- HTTP by hand ----------------------------------------------------------------------------------


def multipart(files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """(content type, body) of a form whose parts are all named ``fil``."""
    boundary = "bf" + uuid.uuid4().hex
    body = bytearray()
    for name, data in files:
        quoted = name.replace('"', "%22")
        body += (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="fil"; filename="{quoted}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", bytes(body)


def call(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 150,
) -> tuple[int, dict, dict]:
    """(status, headers, JSON body) of one request; an HTTP error is an answer, not a raise."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def upload(
    site: Site, files: list[tuple[str, bytes]], user: str | None, *, wait: bool = True
) -> tuple[int, dict, dict]:
    """Send ``files`` as ``user``; with ``wait``, as a script does with ``?vanta=1``: a 202 (the
    server waits at most 10 s, and not at all when busy) is followed at its ``status_url`` until
    the job has ended, and then answered as the 200 of a finished wait."""
    content_type, body = multipart(files)
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    if user:
        headers["Authorization"] = f"Bearer {site.tokens[user]}"
    status, answer_headers, job = call(
        site.url + "/api/inlamning" + ("?vanta=1" if wait else ""),
        method="POST",
        body=body,
        headers=headers,
    )
    if wait and status == 202:
        url, deadline = site.url + job["status_url"], time.monotonic() + 150
        while job.get("state") in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
            status, answer_headers, job = call(url, headers=headers)
    return status, answer_headers, job


def callback_body(site: Site, output_part: str, values: dict[str, str]) -> dict:
    """The body the browser posts for the callback whose output names ``output_part``."""
    _, _, deps = call(site.url + "/_dash-dependencies")
    spec = next(d for d in deps if output_part in d["output"])
    return {
        "output": spec["output"],
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]}
            for o in spec["output"].strip(".").split("...")
        ],
        "inputs": [
            {**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in spec["inputs"]
        ],
        "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"],
        "state": [],
    }


def dash_callback(site: Site, output_part: str, values: dict[str, str]) -> dict:
    """Post that callback as the public would; its response."""
    status, _, answer = call(
        site.url + "/_dash-update-component",
        method="POST",
        body=json.dumps(callback_body(site, output_part, values)).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert status == 200, answer
    return answer["response"]


class Browser:
    """Requests with a cookie jar that takes each answer's cookies in the order the answers
    arrive, as a browser does: of two answers in flight, the later one's cookie stays."""

    def __init__(self, url: str) -> None:
        self.address = urlsplit(url)
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        with self._lock:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(
            self.address.hostname, self.address.port, timeout=60
        )
        try:
            connection.request(
                method, path, body=body, headers={**(headers or {}), "Cookie": cookie}
            )
            response = connection.getresponse()
            data = response.read()
            with self._lock:
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, value = header.split(";", 1)[0].split("=", 1)
                    self.cookies[name] = value
            return response.status, data
        finally:
            connection.close()


def find_component(tree, component_id: str):
    """The props of the component with ``component_id`` in a Dash layout (JSON)."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return props
        return next(
            (f for v in tree.values() if (f := find_component(v, component_id)) is not None), None
        )
    if isinstance(tree, list):
        return next((f for v in tree if (f := find_component(v, component_id)) is not None), None)
    return None


# -- the records -----------------------------------------------------------------------------------


def audit(site: Site, event: str | None = None) -> list[dict]:
    if not site.audit.exists():
        return []
    entries = [json.loads(line) for line in site.audit.read_text("utf-8").splitlines() if line]
    return [e for e in entries if event is None or e["event"] == event]


def job_on_disk(site: Site, job_id: str) -> dict:
    return json.loads((site.uploads / job_id / "job.json").read_text(encoding="utf-8"))


def job_ids(site: Site) -> set[str]:
    if not site.uploads.is_dir():
        return set()
    return {p.name for p in site.uploads.iterdir() if (p / "job.json").is_file()}


def incoming(site: Site) -> list[str]:
    folder = site.uploads / ".incoming"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def version(site: Site) -> int:
    ((v,),) = query(site.warehouse, "select version from meta")
    return v


def submissions(site: Site, name: str) -> list[dict]:
    cols = "status, kind, municipality_code, year, errors, size_bytes, submission_id"
    rows = query(site.warehouse, f"select {cols} from mart_submissions where file_name = ?", [name])
    return [dict(zip(cols.split(", "), row, strict=True)) for row in rows]


def issue_codes(site: Site, submission_id: int) -> list[str]:
    rows = query(
        site.warehouse,
        "select code from mart_issues where submission_id = ? and severity = 'error'",
        [submission_id],
    )
    return [code for (code,) in rows]


def assert_nothing_left(site: Site, job: dict | None = None) -> None:
    """No temp file of a request, and no stored bytes of a finished job."""
    assert incoming(site) == []
    if job is not None:
        assert not (site.uploads / job["id"] / "files").exists()


# -- a valid report --------------------------------------------------------------------------------


def test_a_valid_report_is_read_in_published_and_served(site):
    before = version(site)
    name = "årsrapport_Upplands_Väsby_2025.json"
    data = as_bytes(report(KOMMUN, 2025))
    shell = {"lang.value": "sv", "_pages_location.pathname": "/kommun"}
    page = {**shell, "_pages_location.search": f"?kod={KOMMUN}&year=2025"}
    years = find_component(dash_callback(site, "_pages_content.children", page), "mu-year")
    assert "2025" not in [o["value"] for o in years["options"]]

    status, _, job = upload(site, [(name, data)], "anna")

    assert status == 200, job
    assert job["state"] == "done" and job["error"] is None
    assert job["user"] == "anna" and job["role"] == "kommun" and job["kommun"] == KOMMUN
    (entry,) = job["files"]
    assert entry["name"] == name and entry["size"] == len(data) and entry["refused"] is None
    outcome = entry["outcome"]
    assert outcome["status"] == "loaded" and outcome["errors"] == []
    assert (outcome["municipality_code"], outcome["year"]) == (KOMMUN, 2025)
    assert job["version"] == before + 1 == version(site)
    assert job_on_disk(site, job["id"]) == {k: v for k, v in job.items() if k != "status_url"}
    assert_nothing_left(site, job)
    (logged,) = [e for e in audit(site, "upload") if e["job"] == job["id"]]
    assert logged["user"] == "anna" and logged["file"] == name and logged["refused"] is None
    assert logged["sha256"] == entry["sha256"] and logged["size"] == len(data)

    # The published warehouse has it, under the name it was sent with ...
    (row,) = submissions(site, name)
    assert row["status"] == "loaded" and row["kind"] == "report_json"
    assert (row["municipality_code"], row["year"]) == (KOMMUN, 2025)
    assert row["submission_id"] == outcome["submission_id"]
    assert query(
        site.warehouse,
        "select has_report from mart_municipality_year where municipality_code = ? and year = ?",
        [KOMMUN, 2025],
    ) == [(True,)]
    # ... and the served app shows it: the footer names the new version (asked a few times, so
    # both workers answer), the profile offers the new year.
    for _ in range(4):
        footer = dash_callback(site, "footer-text.children", shell)["footer-text"]["children"]
        assert f"Datalager version {before + 1}," in footer
    years = find_component(dash_callback(site, "_pages_content.children", page), "mu-year")
    assert years["value"] == "2025" and "2025" in [o["value"] for o in years["options"]]

    # The job is the sender's to read (and the coordinator's), nobody else's.
    url = site.url + job["status_url"]
    for user, expected in (("anna", 200), ("sam", 200), ("olle", 404)):
        status, _, answer = call(url, headers={"Authorization": f"Bearer {site.tokens[user]}"})
        assert status == expected, (user, answer)
    assert answer == {"error": "ingen sådan inlämning"}


# -- refused by the web app, before anything is stored ---------------------------------------------


def test_a_file_over_20_mb_is_refused_while_streaming_and_not_stored(site):
    before, jobs_before = version(site), job_ids(site)
    big = b"{" + b" " * (21 * MB) + b"}"
    status, _, job = upload(site, [("stor_rapport.json", big)], "anna")

    assert status == 200, job
    (entry,) = job["files"]
    assert entry["refused"]["code"] == "too_large"
    assert entry["refused"]["text"] == "filen är 21.0 MB, större än gränsen 20 MB"
    assert entry["sha256"] is None and entry["outcome"] is None and entry["size"] == len(big)
    # Nothing to read: the job is done at once, publishes nothing and kept no bytes.
    assert job["state"] == "done" and job["version"] is None and version(site) == before
    assert job_ids(site) - jobs_before == {job["id"]}
    assert job_on_disk(site, job["id"])["files"][0]["refused"]["code"] == "too_large"
    assert_nothing_left(site, job)
    assert list((site.uploads / job["id"]).iterdir()) == [site.uploads / job["id"] / "job.json"]
    (logged,) = [e for e in audit(site, "upload") if e["job"] == job["id"]]
    assert logged["refused"] == "too_large" and logged["sha256"] is None
    assert logged["size"] == len(big) and logged["user"] == "anna"
    assert submissions(site, "stor_rapport.json") == []


def test_more_than_50_files_are_refused_whole(site):
    jobs_before = job_ids(site)
    files = [(f"rapport_{i:02}.json", as_bytes(report())) for i in range(51)]
    status, _, answer = upload(site, files, "anna")

    assert status == 413
    assert answer["error"] == "51 filer i en inlämning; högst 50. Dela upp dem."
    assert [f["refused"]["code"] for f in answer["files"]] == ["too_many_files"] * 51
    assert job_ids(site) == jobs_before
    assert_nothing_left(site)
    logged = audit(site, "upload_refused")[-1]
    assert logged["reason"] == "too_many_files" and logged["user"] == "anna"
    assert logged["files"] == [name for name, _ in files]


def test_a_name_with_a_path_is_refused_and_never_used_as_a_path(site):
    status, _, job = upload(site, [("../../etc/x.json", as_bytes(report()))], "anna")

    assert status == 200, job
    (entry,) = job["files"]
    assert entry["refused"]["code"] == "bad_name"
    text = entry["refused"]["text"]
    assert "filnamnet '../../etc/x.json' innehåller en sökväg eller styrtecken" in text
    assert entry["name"] == "x.json"  # the record keeps the name, never the folders
    assert job["state"] == "done" and job["version"] is None
    assert job_on_disk(site, job["id"])["files"][0]["refused"]["code"] == "bad_name"
    assert_nothing_left(site, job)
    assert not (site.uploads.parent / "etc").exists()
    assert not (site.uploads / ".incoming" / "etc").exists()
    (logged,) = [e for e in audit(site, "upload") if e["job"] == job["id"]]
    assert logged["file"] == "../../etc/x.json" and logged["refused"] == "bad_name"


# -- read by the pipeline and rejected there (recorded in the warehouse) ---------------------------


CONTENT_CASES = {
    # name sent: (bytes, sending account, error code, the reason in Swedish)
    "bild.json": (PNG, "anna", "unknown_kind", "filen är varken JSON, Excel (.xlsx) eller CSV"),
    "tom.json": (b"", "anna", "unknown_kind", "filen är tom"),
    "rapport_stockholm.json": (
        as_bytes(report(OTHER, 2024)),
        "anna",
        "wrong_municipality",
        "rapporten gäller kommun 0180 (Stockholm), men kontot får bara lämna rapporter för "
        "0114 (Upplands Väsby)",
    ),
    "bidragsregister.csv": (
        REGISTER.encode("utf-8"),
        "anna",
        "grants_need_coordinator",
        "bidragsregister kan bara lämnas av en samordnare",
    ),
}


@pytest.mark.parametrize("name", list(CONTENT_CASES))
def test_a_file_the_pipeline_rejects_is_recorded_with_its_reason(site, name):
    data, user, code, reason = CONTENT_CASES[name]
    before = version(site)
    status, _, job = upload(site, [(name, data)], user)

    assert status == 200, job
    assert job["state"] == "done" and job["error"] is None
    (entry,) = job["files"]
    assert entry["refused"] is None and entry["size"] == len(data)
    outcome = entry["outcome"]
    assert outcome["status"] == "rejected"
    assert [e["code"] for e in outcome["errors"]] == [code]
    assert reason in outcome["errors"][0]["text"]
    # A rejection is published too (the data quality page lists it), as a version of its own.
    assert job["version"] == before + 1 == version(site)
    assert job_on_disk(site, job["id"])["files"][0]["outcome"]["status"] == "rejected"
    assert_nothing_left(site, job)
    (logged,) = [e for e in audit(site, "upload") if e["job"] == job["id"]]
    assert logged["file"] == name and logged["refused"] is None and logged["size"] == len(data)

    (row,) = submissions(site, name)
    assert row["status"] == "rejected" and row["size_bytes"] == len(data)
    assert any(reason in text for text in row["errors"]), row["errors"]
    assert issue_codes(site, row["submission_id"]) == [code]
    if code == "wrong_municipality":
        # Whom the report named is kept on the record; nothing of it was loaded.
        assert (row["municipality_code"], row["year"]) == (OTHER, 2024)
        assert query(
            site.warehouse,
            "select count(*) from mart_municipality_year"
            " where municipality_code = ? and has_report",
            [OTHER],
        ) == [(0,)]
    if code == "grants_need_coordinator":
        # Refused before it was read (pipelines.parse.parse): its rows were never counted.
        assert outcome["rows_loaded"] in (0, None) and outcome["rows_rejected"] is None


# -- refused by access: who may send ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "token", "status", "message"),
    [
        ("vera", None, 403, "ditt konto har inte behörighet till detta"),
        (None, None, 401, "logga in först (eller ange en åtkomsttoken)"),
        (None, "bf_inte-en-riktig-token", 401, "logga in först (eller ange en åtkomsttoken)"),
    ],
    ids=["viewer", "no-token", "unknown-token"],
)
def test_an_account_that_may_not_send_is_refused_and_nothing_is_stored(
    site, user, token, status, message
):
    jobs_before, before = job_ids(site), version(site)
    content_type, body = multipart([("rapport.json", as_bytes(report()))])
    headers = {"Content-Type": content_type}
    if user or token:
        headers["Authorization"] = f"Bearer {token or site.tokens[user]}"
    answer_status, answer_headers, answer = call(
        site.url + "/api/inlamning?vanta=1", method="POST", body=body, headers=headers
    )

    assert answer_status == status
    assert answer == {"error": message, "status": status}
    if status == 401:
        assert answer_headers["WWW-Authenticate"].startswith("Bearer")
    assert job_ids(site) == jobs_before and version(site) == before
    assert_nothing_left(site)


def test_a_session_without_the_csrf_token_is_refused(site):
    """The browser's way in (session cookie) needs the page's CSRF token; a forged post has none."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(site.url + "/logga-in", timeout=30) as response:
        form = response.read().decode("utf-8")
    csrf = form.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    signed_in = urlencode({"namn": "anna", "losenord": PASSWORD, "csrf_token": csrf})
    with opener.open(site.url + "/logga-in", signed_in.encode(), timeout=30) as response:
        assert response.status == 200 and urlsplit(response.url).path == "/"
    jobs_before = job_ids(site)
    content_type, body = multipart([("rapport.json", as_bytes(report()))])
    request = urllib.request.Request(
        site.url + "/api/inlamning",
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=30)
    with refused.value as error:
        assert error.code == 400
        assert json.loads(error.read())["error"].startswith(
            "formulärets säkerhetsnyckel (CSRF) saknas eller har gått ut"
        )
    assert job_ids(site) == jobs_before
    assert_nothing_left(site)


def test_the_upload_forms_token_survives_the_callbacks_drawn_beside_it(site):
    """The page router draws the form (and its CSRF token) while the shell's callback runs
    beside it; both answers re-send the session cookie. Whichever arrives last, the form's token
    must still match the session's, or the browser's upload is refused."""
    page = {"_pages_location.pathname": "/inlamning", "lang.value": "sv"}
    router = json.dumps(callback_body(site, "_pages_content.children", page)).encode()
    shell = json.dumps(callback_body(site, "footer-text.children", page)).encode()
    json_type = {"Content-Type": "application/json"}
    for attempt in range(6):
        browser = Browser(site.url)
        _, form = browser.request("GET", "/logga-in?next=/inlamning")
        csrf = form.decode().split('name="csrf_token" type="hidden" value="', 1)[1].split('"')[0]
        fields = urlencode({"namn": "anna", "losenord": PASSWORD, "csrf_token": csrf}).encode()
        form_type = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _ = browser.request("POST", "/logga-in?next=/inlamning", fields, form_type)
        assert status == 302
        # As after a click on "Lämna filer" in the menu: both callbacks at once.
        with ThreadPoolExecutor(2) as pool:
            drawn, _ = pool.map(
                browser.request,
                ["POST"] * 2,
                ["/_dash-update-component"] * 2,
                [router, shell],
                [json_type] * 2,
            )
        assert drawn[0] == 200
        form_props = find_component(json.loads(drawn[1])["response"], "up-form")
        content_type, body = multipart([("../rapport.json", b"{}")])  # refused: no runner
        headers = {"Content-Type": content_type, "X-CSRFToken": form_props["data-csrf"]}
        status, answer = browser.request("POST", "/api/inlamning", body, headers)
        assert status == 202, (attempt, json.loads(answer))
        assert json.loads(answer)["files"][0]["refused"]["code"] == "bad_name"


# -- a body cut off mid-file -----------------------------------------------------------------------


def test_an_upload_cut_off_mid_file_leaves_only_its_record(site):
    jobs_before, before = job_ids(site), version(site)
    refused_before = len(audit(site, "upload_refused"))
    content_type, body = multipart([("avbruten.json", b"{" + b" " * (3 * MB) + b"}")])
    address = urlsplit(site.url)
    head = (
        "POST /api/inlamning?vanta=1 HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        f"Authorization: Bearer {site.tokens['anna']}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(head + body[:MB])
        # The server has started to keep the part: a temp file of the request exists.
        deadline = time.monotonic() + 10
        while not incoming(site) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert incoming(site), "the server never started to store the part"
    # The socket is closed with two thirds of the body unsent.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if len(audit(site, "upload_refused")) > refused_before and not incoming(site):
            break
        time.sleep(0.1)
    assert_nothing_left(site)
    assert job_ids(site) == jobs_before and version(site) == before
    logged = audit(site, "upload_refused")[refused_before:]
    assert [(e["reason"], e["user"]) for e in logged] == [("disconnected", "anna")]
    assert submissions(site, "avbruten.json") == []


# -- eight at once ---------------------------------------------------------------------------------


def test_eight_uploads_at_once_are_read_one_after_another(site):
    codes = [
        c
        for c in reference.municipalities()["municipality_code"].to_list()
        if c not in (KOMMUN, OTHER)
    ][:8]
    before = version(site)
    sends = [(f"samtidig_{code}_2024.json", as_bytes(report(code, 2024))) for code in codes]

    with ThreadPoolExecutor(len(sends)) as pool:
        answers = list(pool.map(lambda f: upload(site, [f], "sam"), sends))

    jobs = [job for _, _, job in answers]
    assert [status for status, _, _ in answers] == [200] * 8, jobs
    assert all(job["state"] == "done" for job in jobs), jobs
    assert len({job["id"] for job in jobs}) == 8
    for (name, _), job in zip(sends, jobs, strict=True):
        (entry,) = job["files"]
        assert entry["name"] == name and entry["outcome"]["status"] == "loaded", entry
        assert job_on_disk(site, job["id"])["state"] == "done"
        assert_nothing_left(site, job)
    # One version per job, each a step of its own: the runs never overlapped.
    assert sorted(job["version"] for job in jobs) == list(range(before + 1, before + 9))
    in_order = sorted(jobs, key=lambda job: job["version"])
    for earlier, later in itertools.pairwise(in_order):
        assert earlier["finished_at"] <= later["started_at"]
    assert version(site) == before + 8
    # Every file is in the final warehouse exactly once, and its data with it.
    for name, _ in sends:
        assert [r["status"] for r in submissions(site, name)] == ["loaded"], name
    reported = query(
        site.warehouse,
        "select municipality_code from mart_municipality_year"
        " where year = 2024 and has_report and municipality_code in (select unnest(?))",
        [codes],
    )
    assert sorted(c for (c,) in reported) == sorted(codes)
    logged = {e["job"] for e in audit(site, "upload") if e["user"] == "sam"}
    assert {job["id"] for job in jobs} <= logged
