"""Video links matched by key: the same video written any way TikTok or a creator writes it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crm.links import plain_link, video_key

ids = st.integers(min_value=1, max_value=10**19).map(str)
handles = st.from_regex(r"[a-z0-9_.]{2,24}", fullmatch=True)
schemes = st.sampled_from(["https://", "http://", "HTTPS://", ""])
hosts = st.sampled_from(["tiktok.com", "www.tiktok.com", "m.tiktok.com"]).flatmap(
    lambda host: st.sampled_from([host, host.upper(), host.title()])
)
queries = st.sampled_from(["", "?lang=en", "?is_from_webapp=1&sender_device=pc", "#top"])


@st.composite
def video_links(draw: st.DrawFn, video_id: str) -> str:
    handle = draw(st.sampled_from([f"/@{draw(handles)}", ""]))
    slash = draw(st.sampled_from(["", "/", "//"]))
    return f"{draw(schemes)}{draw(hosts)}{handle}/video/{video_id}{slash}{draw(queries)}"


@given(ids.flatmap(lambda i: st.tuples(st.just(i), video_links(i), video_links(i))))
def test_any_two_ways_of_writing_a_video_link_match(case: tuple[str, str, str]) -> None:
    video_id, one, other = case
    assert video_key(one) == video_key(other) == f"https://www.tiktok.com/video/{video_id}"


@given(ids, ids, st.data())
def test_different_videos_never_match(first: str, second: str, data: st.DataObject) -> None:
    one, other = data.draw(video_links(first)), data.draw(video_links(second))
    assert (video_key(one) == video_key(other)) == (first == second)


@given(st.text(max_size=80))
def test_a_key_keyed_again_is_itself(text: str) -> None:
    key = video_key(text)
    assert video_key(key) == key


def test_other_links_keep_their_path_and_lose_query_and_slash() -> None:
    assert video_key("HTTP://Example.COM/Reel/Ab1/?utm=x") == "https://example.com/Reel/Ab1"
    assert video_key("youtube.com/shorts/xyz") == "https://youtube.com/shorts/xyz"
    # A TikTok link with no video id is matched by its path, on the one host.
    assert video_key("m.tiktok.com/@me/") == video_key("https://www.tiktok.com/@me")


def test_a_plain_link_loses_its_query_and_fragment_only() -> None:
    link = "HTTPS://WWW.TikTok.com/@Me/video/7?lang=en#c"
    assert plain_link(link) == "https://www.tiktok.com/@Me/video/7"
    assert video_key(plain_link(link)) == video_key(link)
