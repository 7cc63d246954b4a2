"""Router only: page config, then st.navigation over the pages in course.ui.

The same file is also the ASGI app that serves it. `streamlit run streamlit_app.py` (and
uvicorn, `uvicorn streamlit_app:app`) import this module and find `app`: an `st.App` around
this very file, adding the course's HTTP layer (security headers, the HttpOnly cookie route;
course/ui/web.py). Streamlit then runs the file as its script, as `__main__`: the router.
"""

from pathlib import Path

import streamlit as st

ICON = Path(__file__).resolve().parent / "course" / "ui" / "icon.svg"  # a mortarboard (Material's "school")

if __name__ != "__main__":  # imported by the server: the ASGI app
    from starlette.middleware import Middleware

    from course.ui import lms_routes, warmup, web

    warmup.start()  # imports and the course's caches, before the first learner (issue 24)
    web.quiet_uvicorn_proxy_headers()
    routes = [*web.routes(), *lms_routes.routes()]
    middleware = [Middleware(web.SecurityHeaders), Middleware(web.PageLanguage)]
    app = st.App(Path(__file__).resolve(), routes=routes, middleware=middleware)
else:  # run by Streamlit for each browser tab: the router
    from course.ui import warmup

    # The first run after a start waits for the warm-up's first phase (what Home needs); a run
    # while its second phase imports the other pages waits for that (course/ui/warmup.py).
    with warmup.script_run():
        from course.ui import (
            display,
            identity,
            language,
            lms_launch,
            nav,
            router,
            state,
            streamlit_tuning,
            trainer_access,
        )
        from course.ui.pages import content_error

        streamlit_tuning.install()  # once per process: lock-free config reads (see the module)
        streamlit_tuning.install_tcp_nodelay()  # once per process: no 40 ms stalls in sending a page
        # The icon is the course's own file, served by this server: a Material icon name made the
        # browser fetch it from fonts.gstatic.com, which the Content-Security-Policy refuses.
        st.set_page_config(page_title="Ketamine therapy course", page_icon=str(ICON), layout="centered")

        state.begin_run()
        language.settle()  # before the menu is built: its titles are in the learner's language
        loaded = state.loaded()
        if loaded.course is None:
            st.navigation([st.Page(content_error.render, title="Content problems", url_path="problems")]).run()
        else:
            page = st.navigation(router.build(state.course()), expanded=True)
            lms_launch.before_page(page.url_path)  # a learning platform's launch names the learner
            identity.before_page(page.url_path)
            # A launch or a resume link can name a learner whose track the menu (built above, before
            # it was known) does not list: run once more so the first page already shows their own
            # menu. The router records the track it built for, so this cannot loop.
            learner = st.session_state.get("learner")
            if learner is not None and not nav.menu_is_for(learner.track):
                st.rerun()
            content_error.notice_for_trainers()  # production serving the last good content
            router.after_navigation(page.url_path)
            page.run()
            identity.after_page()
            lms_launch.after_page(page.url_path)
            trainer_access.after_page()
            nav.after_page()
            display.hide_icon_names()
            language.after_page()
            state.freeze_long_lived_objects()
