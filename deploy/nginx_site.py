"""Render deploy/nginx-site.conf.in for a set of replicas.

    python deploy/nginx_site.py --listen 80 --server-name readiness.example.gov.vn \
        127.0.0.1:8501 127.0.0.1:8502 > /etc/nginx/sites-available/readiness

The tests render the same template (tests/test_deploy.py), so what is tested is what is installed.
"""

import argparse
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx-site.conf.in")


def render(replicas: Sequence[str], listen: str = "80", server_name: str = "_") -> str:
    """The site configuration: nginx listening on `listen`, sending each browser to one of `replicas` (host:port).

    A replica that fails 3 times within 10 s is left out for 10 s (nginx's passive health check); its browsers
    move to another replica and reconnect there."""
    if not replicas:
        raise ValueError("at least one replica (host:port) is needed")
    lines = "\n".join(f"    server {replica} max_fails=3 fail_timeout=10s;" for replica in replicas)
    text = TEMPLATE.read_text(encoding="utf-8")
    return text.replace("@@REPLICAS@@", lines).replace("@@LISTEN@@", listen).replace("@@SERVER_NAME@@", server_name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("replicas", nargs="+", help="host:port of each replica, e.g. 127.0.0.1:8501")
    parser.add_argument("--listen", default="80", help="nginx's listen argument (default 80)")
    parser.add_argument("--server-name", default="_", help="nginx's server_name (default _: any)")
    args = parser.parse_args()
    print(render(args.replicas, args.listen, args.server_name), end="")


if __name__ == "__main__":
    main()
