"""The cover: the page's own rendition of the picture ``og:image`` names, and ``srcset`` read as the standard says."""

from newsloom.extract import extract_article
from newsloom.extract.cover import identity_tokens
from newsloom.extract.figures import parse_srcset
from tests.conftest import article_html

CDN = "https://cdn.example.net/crops"


def test_srcset_urls_may_hold_commas() -> None:
    candidates = parse_srcset(f"{CDN}/w=875,q=90/storm.jpg 875w, {CDN}/w=1280,h=720/storm.jpg 1280w")
    assert [(c.url, c.width) for c in candidates] == [
        (f"{CDN}/w=875,q=90/storm.jpg", 875),
        (f"{CDN}/w=1280,h=720/storm.jpg", 1280),
    ]
    assert [(c.url, c.density) for c in parse_srcset("a.jpg 1x,b.jpg 2x")] == [("a.jpg", 1.0), ("b.jpg", 2.0)]
    assert parse_srcset(" , ") == []


def test_identity_ignores_the_rendition() -> None:
    social = identity_tokens("https://img.example.net/2024/05/IMG_0234.jpg?w=1200")
    shown = identity_tokens("https://img.example.net/2024/05/IMG_0234-585x439.jpg")
    other = identity_tokens("https://img.example.net/2024/05/IMG_0240-585x439.jpg")
    assert social & shown
    assert not social & other


def _page(figures: str) -> bytes:
    head = f'<meta property="og:image" content="{CDN}/share/w=1200,h=630/7f3a9c21-storm-coast.jpg?sig=abc">'
    return article_html(extra_head=head, body_prefix=figures).encode()


def test_cover_is_the_widest_rendition_the_page_shows() -> None:
    figures = f"""
    <figure><img src="{CDN}/thumb/w=150/7f3a9c21-storm-coast.jpg" width="150" alt="small"></figure>
    <figure><picture>
      <source srcset="{CDN}/w=640,q=80/7f3a9c21-storm-coast.webp 640w, {CDN}/w=1600,q=80/7f3a9c21-storm-coast.webp 1600w">
      <img src="{CDN}/w=640,q=80/7f3a9c21-storm-coast.jpg" alt="Waves on the sea wall">
    </picture><figcaption>Waves break over the sea wall. (Photo: AFP)</figcaption></figure>
    <figure><img src="{CDN}/w=640/0b77e1d4-mayor-speaks.jpg" alt="The mayor"></figure>"""
    cover = extract_article(_page(figures)).images[0]
    assert cover.is_cover
    assert cover.url == f"{CDN}/w=1600,q=80/7f3a9c21-storm-coast.webp"
    assert cover.caption == "Waves break over the sea wall."
    assert cover.credit == "AFP"


def test_cover_falls_back_to_the_social_image_when_the_page_does_not_show_it() -> None:
    figures = f'<figure><img src="{CDN}/w=640/0b77e1d4-mayor-speaks.jpg" alt="The mayor"></figure>'
    images = extract_article(_page(figures)).images
    assert images[0].url == f"{CDN}/share/w=1200,h=630/7f3a9c21-storm-coast.jpg?sig=abc"
    assert images[0].is_cover


def test_a_preloaded_hero_counts_as_shown() -> None:
    head = (
        f'<meta property="og:image" content="{CDN}/share/7f3a9c21-storm-coast.jpg">'
        f'<link rel="preload" as="image" imagesrcset="{CDN}/320/7f3a9c21-storm-coast.jpg 320w, '
        f'{CDN}/1024/7f3a9c21-storm-coast.jpg 1024w">'
    )
    images = extract_article(article_html(extra_head=head).encode()).images
    assert images[0].url == f"{CDN}/1024/7f3a9c21-storm-coast.jpg"


def test_cover_caption_beside_an_image_outside_any_figure() -> None:
    hero = f"""<div class="mediaBlock"><div class="image"><img src="{CDN}/w=900/7f3a9c21-storm-coast.jpg"></div>
    <div class="image-caption"><span>Waves break over the sea wall. © Jane Roe</span></div></div>
    <div class="teaser"><img src="{CDN}/w=300/0b77e1d4-mayor-speaks.jpg"><p class="caption">The mayor speaks</p></div>"""
    cover = extract_article(_page(hero)).images[0]
    assert cover.url == f"{CDN}/w=900/7f3a9c21-storm-coast.jpg"
    assert (cover.caption, cover.credit) == ("Waves break over the sea wall.", "Jane Roe")


def test_a_picture_outside_any_figure_keeps_the_caption_beside_it() -> None:
    from newsloom.model import BlockKind

    loose = f"""<div class="media"><img src="{CDN}/w=640/0b77e1d4-mayor-speaks.jpg" alt="The mayor">
    <div class="media__caption">The mayor speaks to residents at the harbour. (Photo: Reuters)</div></div>"""
    article = extract_article(_page(loose))
    shown = [b.image for b in article.blocks if b.kind == BlockKind.IMAGE and b.image is not None]
    assert [(i.url, i.caption, i.credit) for i in shown] == [
        (f"{CDN}/w=640/0b77e1d4-mayor-speaks.jpg", "The mayor speaks to residents at the harbour.", "Reuters")
    ]


VN_CDN = "https://media.example.vn"


def _vietnamese_page(social: str, related: str) -> bytes:
    head = f'<meta property="og:image" content="{social}">'
    return article_html(extra_head=head, body_prefix=related).encode()


def test_one_shared_word_is_not_the_same_picture() -> None:
    """The uploader's folder ("minhvui") or a processing step ("cropped") is shared by every picture it touched."""
    social = f"{VN_CDN}/thumb_x470x250/Images/minhvui/2026/03/06/xu-phat-giam-doc-tai-chinh1772814635.jpg"
    unrelated = (
        f'<aside><img src="{VN_CDN}/thumb_x256x153/Images/minhvui/2026/03/06/giao-dich-vn301772783031.jpg"></aside>'
    )
    images = extract_article(_vietnamese_page(social, unrelated)).images
    assert images[0].url == social and images[0].is_cover
    cropped = f"{VN_CDN}/zoom/1200_630/2026/03/07/luu-y-khi-mua-vang-cropped-cropped-1772845181578.jpg"
    thumb = f'<aside><img src="{VN_CDN}/zoom/180_120/2026/03/05/1chxd-cropped-1772721582390.jpg"></aside>'
    assert extract_article(_vietnamese_page(cropped, thumb)).images[0].url == cropped


def test_a_related_articles_thumbnail_is_never_the_cover() -> None:
    """Even where its URL names the same picture (a related article reusing the photo), a picture linking to an
    article the page lists by headline is that article's teaser. A picture linking to a photo viewer is the
    article's own."""
    social = f"{CDN}/share/7f3a9c21-storm-coast.jpg"
    other = "https://news.example.com/world/storm-aftermath"
    teaser = (
        f'<aside><a href="{other}"><img src="{CDN}/w=180/7f3a9c21-storm-coast.jpg" width="180"></a>'
        f'<a href="{other}">The storm left towns without power for days</a></aside>'
    )
    images = extract_article(_vietnamese_page(social, teaser)).images
    assert images[0].url == social
    viewer = (
        f'<figure><a href="https://news.example.com/photos/storm"><img src="{CDN}/w=800/7f3a9c21-storm-coast.jpg">'
        "</a></figure>"
    )
    assert extract_article(_vietnamese_page(social, viewer)).images[0].url == f"{CDN}/w=800/7f3a9c21-storm-coast.jpg"
