from newsloom.domains import registrable_domain


def test_registrable_domain_from_urls_and_hosts() -> None:
    assert registrable_domain("https://fr.euronews.com/2024/x") == "euronews.com"
    assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("https://www.sundaytimes.timeslive.co.za/a") == "timeslive.co.za"
    assert registrable_domain("WWW.Stern.DE") == "stern.de"
    assert registrable_domain("http://127.0.0.1:8123/page") == "127.0.0.1"
    assert registrable_domain("localhost") == "localhost"
    assert registrable_domain("") == ""
