from newsloom.domains import registrable_domain


def test_registrable_domain_names_one_publisher_per_site() -> None:
    assert registrable_domain("https://fr.euronews.com/2024/x") == "euronews.com"
    assert registrable_domain("https://news.bbc.co.uk/a") == "bbc.co.uk"
    assert registrable_domain("https://www.sundaytimes.timeslive.co.za/a") == "timeslive.co.za"
    assert registrable_domain("http://127.0.0.1:8123/page") == "127.0.0.1"
    assert registrable_domain("file:///tmp/page.html") == ""
