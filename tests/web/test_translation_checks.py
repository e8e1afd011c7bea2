"""The translation checks in the portal: the note on a translated edition, and the admin's list by flags."""

from __future__ import annotations

from newsloom.model import FetchedPage
from newsloom.pipeline import process_page
from newsloom.pipeline.translation import translate_pending
from newsloom.settings import Settings
from newsloom.web.portal import article_path
from tests.enrich.translate.helpers import EN_REFERENCE, VI_SENTENCES, VI_TITLE, vietnamese_page
from tests.support.web import login
from tests.web.conftest import Site


class ReferenceTranslator:
    """The reference page's English for our Vietnamese original, its "November 5" error included."""

    name = "reference"
    model = "reference-page"

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        known = dict(
            zip([VI_TITLE, *VI_SENTENCES], ["Russia denies Musk-Putin secret contacts", *EN_REFERENCE], strict=True)
        )
        return [known.get(text, text) for text in texts]


def test_flagged_edition_shows_a_note_and_is_listed_for_the_admin(site: Site, settings: Settings) -> None:
    original = process_page(FetchedPage(vietnamese_page().encode(), "vi.html"), site.store).article_id
    stats = translate_pending(site.store, settings, translator=ReferenceTranslator())
    assert stats.editions == 1 and stats.flags >= 2  # the date, and the caption/alt left in Vietnamese
    edition = next(a for a in site.store.iter_articles() if a.translated_from == original)
    with site.client() as reader:
        page = reader.get(article_path(edition)).text
        assert "Translation check:" in page and "November 5" in page and "15/11" in page
        assert "Translation check:" not in reader.get(article_path(site.store.get_article(original))).text
        assert reader.get("/admin/translations", follow_redirects=False).status_code == 303
    with site.client() as editor:
        login(editor, site)
        listing = editor.get("/admin/translations").text
        assert f'href="/article/{edition.id}"' in listing and "1 done" in listing
        only_quotes = editor.get("/admin/translations?kind=quote").text
        assert f'href="/article/{edition.id}"' not in only_quotes
