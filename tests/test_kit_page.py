"""The public media kit: what it shows, hidden blocks, one 404, caching, JSON, PDF."""

from __future__ import annotations

from datetime import date

import pytest

from crm.add_on_policy.services import save_add_on_policy
from crm.deals import invoice_pdf
from crm.imports.models import FollowerShare
from crm.kit import figures
from crm.kit.services import BLOCKS
from crm.market.seed import installed_market
from tests.factories import TEST_PASSWORD, make_snapshot, make_video
from tests.factories_brands import make_brand
from tests.factories_kit import make_kit


@pytest.fixture
def filled(session, user):
    """A creator with a profile, stats 30 days apart, audience, videos and brands."""
    user.display_name, user.tiktok_handle, user.niche = "Maya Lopez", "maya.makes.home", "home"
    make_snapshot(session, user, taken_on=date(2026, 9, 1), followers=10_000)
    make_snapshot(
        session,
        user,
        taken_on=date(2026, 10, 1),
        followers=12_345,
        video_views=20_000,
        likes=800,
        comments=100,
        shares=100,
        posts=4,
    )
    for dimension, key, part in (
        ("gender", "Female", 712_000),
        ("gender", "Male", 288_000),
        ("territory", "US", 640_000),
        ("territory", "CA", 90_000),
    ):
        session.add(
            FollowerShare(owner_id=user.id, dimension=dimension, key=key, share_millionths=part)
        )
    top = make_video(session, user, title="Tiny kitchen makeover", views=48_200)
    make_video(session, user, title="Quiet desk tour", views=900)
    shown, unticked = (
        make_brand(session, user, name="Nestwell"),
        make_brand(session, user, name="Hushco"),
    )
    save_add_on_policy(session, user.id, {"usage_rights": 30}, installed_market())
    session.commit()
    kit = make_kit(
        session,
        user,
        slug="maya",
        bio="Cosy home videos.",
        brand_ids=(shown.id,),
        prices={"ugc_video": 31_000},
    )
    return {"kit": kit, "top": top, "unticked": unticked}


def test_the_kit_shows_the_creator_figures_audience_videos_brands_and_rates(client, filled):
    response = client.get("/kit/maya")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in (
        "Maya Lopez",
        "@maya.makes.home on TikTok",
        "https://www.tiktok.com/@maya.makes.home",
        "Cosy home videos.",
        "12.3K",
        "5.0%",
        "+23.4%",
        "5K",
        "likes, comments and shares added up, divided by video views",
        "Female",
        "71%",
        "US",
        "64%",
        "Tiny kitchen makeover",
        "48.2K views",
        "Nestwell",
        "UGC video",
        "$310",
        "Sponsored TikTok post",
        "Paid usage rights +30%",
    ):
        assert text in page, text
    assert "Hushco" not in page  # not ticked
    assert page.index("Tiny kitchen makeover") < page.index("Quiet desk tour")  # by views


@pytest.mark.parametrize("block", [key for key, _label in BLOCKS])
def test_every_block_can_be_hidden(client, session, user, filled, block):
    marker = {
        "bio": "Cosy home videos.",
        "figures": "Engagement rate",
        "audience": "Female",
        "videos": "Tiny kitchen makeover",
        "brands": "Nestwell",
        "rates": "Rate card",
    }[block]
    assert marker in client.get("/kit/maya").get_data(as_text=True)
    make_kit(
        session,
        user,
        slug="maya",
        bio="Cosy home videos.",
        hidden=frozenset({block}),
        brand_ids=(filled["unticked"].id,) if block != "brands" else (),
    )
    assert marker not in client.get("/kit/maya").get_data(as_text=True)
    assert {"figures": "figures", "videos": "videos"}.get(block, "x") not in client.get(
        "/kit/maya.json"
    ).get_json()


def test_a_kit_turned_off_and_an_unknown_slug_are_the_same_404(client, session, user, filled):
    unknown = client.get("/kit/nobody-here")
    make_kit(session, user, slug="maya", enabled=False)
    off = client.get("/kit/maya")
    assert unknown.status_code == off.status_code == 404
    assert unknown.data == off.data
    assert client.get("/kit/maya.json").status_code == 404
    assert client.get("/kit/maya.pdf").status_code == 404


def test_a_changed_slug_makes_the_old_address_404(client, session, user, filled):
    make_kit(session, user, slug="maya-home")
    assert client.get("/kit/maya").status_code == 404
    assert client.get("/kit/maya-home").status_code == 200


def test_a_held_old_address_is_a_404_not_another_creators_kit(
    client, session, user, other_user, filled
):
    make_kit(session, user, slug="maya-home")
    other = client.application.test_client()
    other.post("/login", data={"email": other_user.email, "password": TEST_PASSWORD})
    refused = other.post(
        "/settings/kit",
        data={"enabled": "y", "slug": "maya", "bio": "", "videos_by_views": "views"},
    )
    assert "That address was someone&#39;s recently" in refused.get_data(as_text=True)
    for path in ("/kit/maya", "/kit/maya.json", "/kit/maya.pdf", "/kit/maya/inquire"):
        response = client.get(path)
        assert response.status_code == 404 and "Location" not in response.headers, path


def test_the_kit_is_cacheable_and_answers_304_to_its_etag(client, filled):
    first = client.get("/kit/maya")
    assert first.headers["Cache-Control"] == "public, no-cache"  # revalidated each time
    etag = first.headers["ETag"]
    again = client.get("/kit/maya", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert "Set-Cookie" not in first.headers
    as_json = client.get("/kit/maya.json")
    assert as_json.headers["Cache-Control"] == "public, no-cache" and as_json.headers["ETag"]


def test_the_kit_has_opengraph_and_twitter_card_tags(client, filled):
    page = client.get("/kit/maya").get_data(as_text=True)
    assert '<meta property="og:title" content="Maya Lopez (@maya.makes.home) · media kit">' in page
    assert '<meta property="og:url" content="http://crm.test/kit/maya">' in page
    forged = client.get("/kit/maya", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in forged
    assert '<meta name="twitter:card" content="summary">' in page
    assert "12.3K followers · 5.0% engagement · Home creator" in page


def test_the_json_has_the_same_public_data(client, filled):
    data = client.get("/kit/maya.json").get_json()
    assert data["name"] == "Maya Lopez" and data["bio"] == "Cosy home videos."
    assert data["figures"]["followers"] == 12_345 and data["figures"]["engagement_rate"] == "5.0%"
    assert data["figures"]["follower_growth_30_days"] == "+23.4%"
    assert data["brands"] == ["Nestwell"]
    assert [v["title"] for v in data["videos"]] == ["Tiny kitchen makeover", "Quiet desk tour"]
    ugc = next(r for r in data["rates"] if r["kind"] == "ugc_video")
    assert (ugc["from"], ugc["from_cents"]) == ("$310", 31_000)
    assert {"label": "Paid usage rights", "percent": 30} in data["add_ons"]


def _titles(client, slug: str) -> list[str]:
    return [v["title"] for v in client.get(f"/kit/{slug}.json").get_json()["videos"]]


def test_the_kit_shows_the_six_most_viewed_videos_most_viewed_first(client, session, user):
    for n, views in enumerate((300, 9_000, 50, 9_000, 700, 120, 4_000, 80)):
        make_video(session, user, title=f"Video {n}", views=views)
    make_kit(session, user, slug="maya")
    # Equal views: the newer video first.
    assert _titles(client, "maya") == [f"Video {n}" for n in (3, 1, 6, 4, 0, 5)]


def test_picked_videos_show_most_viewed_first_and_nothing_else(client, session, user):
    videos = [make_video(session, user, title=f"Video {n}", views=v)
              for n, v in enumerate((10, 500, 500, 90_000, 20))]  # fmt: skip
    picks = (videos[0].id, videos[1].id, videos[2].id, videos[4].id)
    make_kit(session, user, slug="maya", videos_by_views=False, video_ids=picks)
    assert _titles(client, "maya") == ["Video 2", "Video 1", "Video 4", "Video 0"]


def test_without_weasyprint_the_pdf_button_says_what_to_do(client, logged_in, filled, monkeypatch):
    monkeypatch.setattr(invoice_pdf, "_weasyprint", lambda: None)
    stranger = client.application.test_client()
    page = stranger.get("/kit/maya").get_data(as_text=True)
    assert "print this page and choose" in page and "pip install" not in page
    response = stranger.get("/kit/maya.pdf")
    assert response.status_code == 302 and response.location.endswith("/kit/maya#pdf")
    # The creator is told what to install: on the settings page and in the preview.
    install = "pip install &#39;creator-crm[pdf]&#39;"
    assert install in logged_in.get("/settings/kit").get_data(as_text=True)
    assert install in logged_in.get("/settings/kit/preview").get_data(as_text=True)


def test_the_pdf_is_the_same_page_with_its_stylesheet_inline(client, filled, monkeypatch):
    rendered = {}

    class FakeHTML:
        def __init__(self, string: str, base_url: str, **_options: object) -> None:
            rendered["html"] = string

        def write_pdf(self) -> bytes:
            return b"%PDF-1.7 kit"

    monkeypatch.setattr(invoice_pdf, "_weasyprint", lambda: type("W", (), {"HTML": FakeHTML}))
    response = client.get("/kit/maya.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == b"%PDF-1.7 kit"
    assert "@media print" in rendered["html"] and "Tiny kitchen makeover" in rendered["html"]
    assert 'href="/kit/maya.pdf"' in client.get("/kit/maya").get_data(as_text=True)


class CountingWeasyPrint:
    """A stand-in for WeasyPrint: counts the PDFs made and keeps the options they got."""

    def __init__(self) -> None:
        self.made: list[dict] = []
        outer = self

        class HTML:
            def __init__(self, string: str, **options: object) -> None:
                outer.made.append({"html": string, **options})

            def write_pdf(self) -> bytes:
                return f"%PDF-1.7 number {len(outer.made)}".encode()

        self.HTML = HTML


def test_the_pdf_answers_304_to_its_etag_and_is_made_once_per_version(
    client, session, user, filled, monkeypatch
):
    fake = CountingWeasyPrint()
    monkeypatch.setattr(invoice_pdf, "_weasyprint", lambda: fake)
    first = client.get("/kit/maya.pdf")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    unchanged = client.get("/kit/maya.pdf", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and not unchanged.data
    assert unchanged.headers["ETag"] == etag
    again = client.get("/kit/maya.pdf")  # another visitor, no ETag: the PDF kept
    assert again.data == first.data == b"%PDF-1.7 number 1" and len(fake.made) == 1
    make_kit(session, user, slug="maya", bio="Calm home videos.")
    changed = client.get("/kit/maya.pdf", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.data == b"%PDF-1.7 number 2" and "Calm home videos." in fake.made[1]["html"]


def test_a_pdf_fetches_no_url(client, filled, monkeypatch):
    fake = CountingWeasyPrint()
    monkeypatch.setattr(invoice_pdf, "_weasyprint", lambda: fake)
    assert client.get("/kit/maya.pdf").status_code == 200
    assert invoice_pdf.render_pdf("<p>Invoice</p>", "http://crm.test/") is not None
    for options in fake.made:  # the kit's and the invoice's: one helper
        fetch = options["url_fetcher"]
        for url in ("http://crm.test/static/kit.css", "file:///etc/passwd", "data:,x"):
            with pytest.raises(invoice_pdf.FetchRefused):
                fetch(url)


def test_the_kept_pdfs_are_a_few_least_recently_used_out_first():
    from crm.kit.pdf import PdfCache

    cache = PdfCache(size=2)
    cache.put(("a", "1"), b"A")
    cache.put(("b", "1"), b"B")
    assert cache.get(("a", "1")) == b"A"  # now the most recent
    cache.put(("c", "1"), b"C")
    assert cache.get(("b", "1")) is None
    assert (cache.get(("a", "1")), cache.get(("c", "1"))) == (b"A", b"C")


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0"),
        (842, "842"),
        (1_000, "1K"),
        (4_424, "4.4K"),
        (12_345, "12.3K"),
        (99_960, "100K"),
        (120_400, "120K"),
        (999_600, "1M"),
        (1_234_567, "1.2M"),
    ],
)
def test_counts_read_as_a_person_quotes_them(count, shown):
    assert figures.people(count) == shown


def test_percentages_read_as_quoted():
    assert figures.percent(4.8123) == "4.8%" and figures.percent(None) == ""
    assert figures.signed_percent(2.06) == "+2.1%"
    assert figures.signed_percent(-0.44) == "\u22120.4%"
    assert figures.signed_percent(0.01) == "0.0%"
    assert figures.share(421_300) == "42%" and figures.share(3_000) == "<1%"
