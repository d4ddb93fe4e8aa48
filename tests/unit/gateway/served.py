"""Reading what the gateway serves from a built client in the Flask test client."""


def fetch(gw, path):
    """GET a path and close the answer (a served file stays open until then)."""
    answer = gw.get(path)
    answer.get_data()
    answer.close()
    return answer
