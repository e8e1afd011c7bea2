"""An article the page cuts into identical containers around adverts comes out whole."""

from newsloom.extract import extract_article

SENTENCE = "The council voted on Tuesday to rebuild the harbour wall before the winter storms arrive in force."


def _chunk(index: int) -> str:
    return "".join(f"<p>{SENTENCE} Part {index}, paragraph {n}.</p>" for n in range(3))


def test_every_chunk_of_the_article_is_kept_and_neighbours_are_not() -> None:
    page = f"""<!doctype html><html><head><title>Harbour wall</title></head><body>
    <article><h1>Harbour wall to be rebuilt</h1><div class="article__chunks">
      <div class="grid"><div class="grid--item body body__container article__body">{_chunk(1)}</div></div>
      <div class="ad-slot">Advertisement</div>
      <div class="grid"><div class="grid--item body body__container article__body">{_chunk(2)}</div></div>
      <div class="newsletter"><p>Sign up for our daily newsletter to get the harbour news first, every day.</p></div>
      <div class="grid"><div class="grid--item body body__container article__body">{_chunk(3)}</div></div>
    </div></article>
    <aside><div class="teaser"><p>{SENTENCE} A teaser of another story that must stay out.</p></div></aside>
    </body></html>"""
    body = extract_article(page.encode()).body
    for index in (1, 2, 3):
        assert f"Part {index}, paragraph 2." in body
    assert "another story" not in body
    assert "newsletter" not in body
    assert body.index("Part 1,") < body.index("Part 2,") < body.index("Part 3,")
