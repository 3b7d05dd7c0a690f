"""JupyterHub for a class of Transformers from Scratch (started by ``./course.sh hub``, as root).

Local Unix accounts log in with their password (PAM). Each user's JupyterLab runs as that user,
in the course environment ``<prefix>/env``, with ``<prefix>/config/student`` or
``<prefix>/config/instructor`` on its Jupyter config path: students get the Assignments panel and
Validate, instructors also Formgrader and Create Assignment. Everything comes from
``<prefix>/hub.json``, written by ``python -m course.hub`` (see ``course/hub.py``).
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821

prefix = Path(os.environ.get("COURSE_HUB_PREFIX", "/opt/transformers-from-scratch"))
settings = json.loads((prefix / "hub.json").read_text(encoding="utf-8"))
state = prefix / "state"
env = Path(settings.get("env") or prefix / "env")
env_bin = env / "bin"
instructors = set(settings["instructors"])

c.JupyterHub.ip = settings["ip"]
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["port"] + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['port'] + 2}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(settings["students"]) | instructors
c.Authenticator.admin_users = instructors

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(env_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def pre_spawn_hook(spawner):
    role = "instructor" if spawner.user.name in instructors else "student"
    spawner.environment.update(
        {
            "PATH": f"{env_bin}:/usr/local/bin:/usr/bin:/bin",  # nbgrader shells out to alembic
            "VIRTUAL_ENV": str(env),
            "JUPYTER_CONFIG_PATH": str(prefix / "config" / role),
            "COURSE_EXCHANGE": settings["exchange"],
            **settings.get("extra_env", {}),
        }
    )


c.Spawner.pre_spawn_hook = pre_spawn_hook
