"""Application factory: config, extensions, blueprints, errors, CLI."""

from flask import Flask

from app.config import (
    ROOT,
    audit_key_for,
    config_for,
    refuse_unsafe_production,
    secret_key_for,
    vapid_keys_for,
)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    config = config_for(config_name)
    app.config.from_object(config)
    app.config["SECRET_KEY"] = secret_key_for(config)
    app.config.update(overrides)
    refuse_unsafe_production(config, app.config)
    app.config["AUDIT_KEY"] = audit_key_for(config, app.config)
    vapid = vapid_keys_for(config, app.config)
    app.config["VAPID_PRIVATE_KEY"], app.config["VAPID_PUBLIC_KEY"] = vapid[:2]
    app.config["VAPID_SUBJECT"] = vapid[2]

    _init_extensions(app)
    _init_domains(app)
    _register_blueprints(app)
    _register_layout(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.core.db import configure_engine
    from app.core.i18n import select_locale, select_timezone
    from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(ROOT / "app" / "translations"),
    )
    with app.app_context():
        configure_engine(db.engine)


def _init_domains(app: Flask) -> None:
    """The one wiring point: each domain brings its tables, jobs and signal receivers."""
    from app import (
        accounts,
        attendance,
        billing,
        booking,
        core,
        leads,
        memberships,
        messaging,
        notifications,
        programs,
        scheduling,
        settings,
        staff,
        support,
        trainers,
    )

    for domain in (
        core,
        accounts,
        settings,
        notifications,
        scheduling,
        memberships,
        booking,
        attendance,
        billing,
        trainers,
        staff,
        programs,
        messaging,
        leads,
        support,
    ):
        domain.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.views.public import bp as accounts_bp
    from app.accounts.views.staff import bp as users_admin_bp
    from app.attendance.views.member import bp as attendance_member_bp
    from app.attendance.views.staff import lists_bp as attendance_bp
    from app.attendance.views.staff import profile_bp as attendance_profile_bp
    from app.attendance.views.staff import scan_log_bp, scanner_bp
    from app.billing.views import desk_bp as billing_desk_bp
    from app.billing.views import documents_bp as billing_documents_bp
    from app.billing.views import online_bp as billing_online_bp
    from app.billing.views import profiles_bp as billing_profiles_bp
    from app.booking.views.member import bp as booking_bp
    from app.booking.views.public import bp as booking_link_bp
    from app.booking.views.staff import bp as booking_staff_bp
    from app.core.health import bp as health_bp
    from app.leads.views.public import bp as leads_public_bp
    from app.leads.views.staff import bp as leads_staff_bp
    from app.memberships.views.member import bp as memberships_bp
    from app.memberships.views.staff import bp as memberships_admin_bp
    from app.messaging.views.member import bp as messaging_member_bp
    from app.messaging.views.staff import bp as messaging_staff_bp
    from app.messaging.views.trainer import bp as messaging_trainer_bp
    from app.notifications.views.member import bp as notifications_member_bp
    from app.notifications.views.public import bp as notifications_public_bp
    from app.notifications.views.staff import bp as notifications_bp
    from app.notifications.views.staff import centre_bp as notifications_staff_bp
    from app.notifications.views.trainer import bp as notifications_trainer_bp
    from app.portals.admin import bp as admin_bp
    from app.portals.member_page import bp as member_page_bp
    from app.portals.member_photos import bp as member_photos_bp
    from app.portals.member_search import bp as member_search_bp
    from app.portals.members import bp as members_bp
    from app.portals.public import bp as public_bp
    from app.portals.pwa import bp as pwa_bp
    from app.portals.schedule import bp as schedule_bp
    from app.portals.trainer_clients import bp as trainer_clients_bp
    from app.portals.trainers import bp as trainers_bp
    from app.programs.views.member import bp as programs_member_bp
    from app.programs.views.trainer import bp as programs_trainer_bp
    from app.scheduling.views.public import bp as ical_bp
    from app.scheduling.views.staff import bp as scheduling_admin_bp
    from app.settings.views import bp as settings_bp
    from app.settings.views import branding_bp
    from app.staff.views.member import bp as staff_member_bp
    from app.staff.views.staff import bp as staff_admin_bp
    from app.staff.views.trainer import bp as staff_trainer_bp
    from app.support.views.member import bp as support_member_bp
    from app.support.views.staff import bp as support_staff_bp
    from app.support.views.staff import incidents_bp as support_incidents_bp
    from app.support.views.trainer import bp as support_trainer_bp
    from app.trainers.views.staff import bp as trainers_admin_bp
    from app.trainers.views.staff import files_bp
    from app.trainers.views.trainer import bp as trainer_profile_bp

    for blueprint in (
        public_bp,
        health_bp,
        accounts_bp,
        admin_bp,
        users_admin_bp,
        settings_bp,
        branding_bp,
        notifications_bp,
        notifications_member_bp,
        notifications_trainer_bp,
        notifications_public_bp,
        notifications_staff_bp,
        members_bp,
        trainers_bp,
        trainer_clients_bp,
        schedule_bp,
        booking_bp,
        booking_link_bp,
        attendance_member_bp,
        attendance_profile_bp,
        member_photos_bp,
        member_search_bp,
        member_page_bp,
        pwa_bp,
        scanner_bp,
        scan_log_bp,
        attendance_bp,
        billing_desk_bp,
        billing_documents_bp,
        billing_online_bp,
        billing_profiles_bp,
        ical_bp,
        scheduling_admin_bp,
        booking_staff_bp,
        trainers_admin_bp,
        trainer_profile_bp,
        files_bp,
        memberships_admin_bp,
        memberships_bp,
        messaging_member_bp,
        messaging_trainer_bp,
        messaging_staff_bp,
        support_member_bp,
        support_staff_bp,
        support_incidents_bp,
        support_trainer_bp,
        staff_trainer_bp,
        staff_admin_bp,
        staff_member_bp,
        programs_trainer_bp,
        programs_member_bp,
        leads_public_bp,
        leads_staff_bp,
    ):
        app.register_blueprint(blueprint)


def _register_layout(app: Flask) -> None:
    # a menu entry shows only once its page exists
    app.add_template_global(lambda name: name in app.view_functions, "has_endpoint")

    @app.context_processor
    def layout_context():
        from flask_babel import get_locale
        from flask_login import current_user

        from app.accounts.forms import ROLE_LABELS
        from app.billing.gateways import test_payments_live
        from app.core.i18n import LANGUAGE_NAMES
        from app.notifications.views.staff import EMAIL_STATUS_LABELS
        from app.settings.services import gym_settings

        return {
            "gym": gym_settings(),
            "current_locale": lambda: str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "role_labels": ROLE_LABELS,
            "email_status_labels": EMAIL_STATUS_LABELS,
            "user_layout": _layout_for(current_user),
            "test_payments_live": test_payments_live(),
        }


def _layout_for(user) -> str:
    """The layout of the audience `user` belongs to (auth pages when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return "layouts/auth.html"
    return {"member": "layouts/member.html", "trainer": "layouts/trainer.html"}.get(
        user.role.value, "layouts/admin.html"
    )
