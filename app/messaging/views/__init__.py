"""Messaging pages, one module per audience.

`member` (`messaging_member`, /app/messages): the member's threads, a new
message to a trainer they may write to, a thread. `trainer`
(`messaging_trainer`, /trainer/messages): the inbox, a new message to a
client, a thread. `staff` (`messaging_staff`, /admin/messages): the
reported-messages queue. Below, the steps the member's and the trainer's
thread pages share: both audiences' pages differ only in their layout and
endpoint names (`ep`).

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import NotYours
from app.core.idempotency.views import idempotent
from app.core.inputs import arg_id
from app.core.models import utc_now
from app.core.permissions import ensure, get_or_404
from app.core.uploads import PDF, absolute_path, upload_root
from app.extensions import db
from app.messaging import queries, services
from app.messaging.forms import MessageForm, NewMessageForm, ReportForm
from app.messaging.models import Message, MessageAttachment, MessageThread


def _user():
    return current_user._get_current_object()


@idempotent("messaging.send", params=lambda form: {"text": form.text.data or ""})
def send(form: MessageForm, **target) -> dict:
    """Send the form's message to `target` (thread_id, trainer_id or member_id)."""
    message = services.send_message(
        _user(), text=form.text.data, files=form.attachments.data, **target
    )
    return {"message_id": message.id, "thread_id": message.thread_id}


def sent(form: MessageForm, result: dict) -> bool:
    """True when the message went; else the refusal is put on the form."""
    if "error" in result:
        field = getattr(form, result.get("field") or "", None)
        if field is not None:
            field.errors = [*field.errors, result["error"]]
        else:
            form.form_errors.append(result["error"])
        return False
    return True


def new_message_page(ep: str, template: str, people: list, target: str, **context):
    """The "new message" page: choose one of `people` (those the signed-in
    person may write to) and send; `target` names the service's argument
    (trainer_id or member_id). 303 to the thread once sent."""
    form = NewMessageForm()
    form.recipient.set_options([(person.id, person.name) for person in people])
    if not form.is_submitted() and (preselected := arg_id("to")):
        form.recipient.data = preselected
    if form.validate_on_submit():
        result = send(form, **{target: form.recipient.data})
        if sent(form, result):
            return redirect(url_for(f"{ep}.thread", thread_id=result["thread_id"]), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def thread_page(ep: str, template: str, thread: MessageThread, *, form=None, status=200):
    """A thread as one of its two people sees it; marks it read."""
    me = _user()
    services.mark_read(thread.id, me)
    messages, has_older = queries.thread_messages(thread.id, before=arg_id("before"))
    read_only = services.read_only_reason(thread)
    may_write = read_only is None and queries.may_talk(
        thread.member_id, thread.trainer_id, utc_now()
    )
    html = render_template(
        template,
        ep=ep,
        thread=thread,
        me=me,
        other=thread.trainer.user if me.id == thread.member_id else thread.member,
        messages=messages,
        has_older=has_older,
        older_url=url_for(f"{ep}.thread", thread_id=thread.id, before=messages[0].id)
        if has_older and messages
        else None,
        last_id=thread.last_message_id or 0,
        read_only=read_only,
        not_allowed=None if may_write or read_only else services.not_allowed_reason(),
        form=form or MessageForm(formdata=None),
        report_form=ReportForm(formdata=None),
    )
    return html, status


def send_in_thread(ep: str, template: str, thread_id: int):
    """POST of a thread page: send, then back to the thread (or the form with its errors)."""
    thread = services.thread_for(thread_id, _user())
    form = MessageForm()
    if form.validate_on_submit():
        result = send(form, thread_id=thread.id)
        if sent(form, result):
            return redirect(
                url_for(f"{ep}.thread", thread_id=thread.id, _anchor="compose"), code=303
            )
    elif form.csrf_token.errors:
        form.form_errors.append(_("The form expired. Please try again."))
    return thread_page(ep, template, thread, form=form, status=400)


def poll(ep: str, thread_id: int):
    """New messages since `after` as a fragment, or 204 when there are none."""
    me = _user()
    thread = services.thread_for(thread_id, me)
    after = arg_id("after") or 0
    if (thread.last_message_id or 0) <= after:
        return "", 204
    messages = queries.messages_after(thread.id, after)
    services.mark_read(thread.id, me)
    return render_template(
        "messaging/_poll.html",
        ep=ep,
        thread=thread,
        me=me,
        messages=messages,
        last_id=messages[-1].id if messages else after,
        report_form=ReportForm(formdata=None),
    )


def report(ep: str, message_id: int):
    """Report a message, then back to its thread."""
    form = ReportForm()
    me = _user()
    if not form.validate_on_submit():
        problem = form.reason.errors or [_("The form expired. Please try again.")]
        flash(problem[0], "danger")
        message = get_or_404_message(message_id)
        return redirect(url_for(f"{ep}.thread", thread_id=message.thread_id), code=303)
    try:
        made = services.report_message(message_id, reason=form.reason.data, actor=me)
    except services.MessagingError as exc:
        flash(str(exc), "danger")
        thread_id = get_or_404_message(message_id).thread_id
    else:
        flash(_("Thanks. Staff will look at this message."), "success")
        thread_id = made.message.thread_id
    return redirect(url_for(f"{ep}.thread", thread_id=thread_id), code=303)


def get_or_404_message(message_id: int):
    message = db.session.get(Message, message_id)
    ensure(message is not None and message.thread.has_person(current_user.id))
    return message


def attachment(attachment_id: int):
    """A message's file, for the two people of its thread only (others: 404)."""
    file = get_or_404(MessageAttachment, attachment_id)
    ensure(file.message.thread.has_person(current_user.id) and not file.message.is_hidden)
    if absolute_path(file.file_path) is None:
        raise NotYours()
    response = send_from_directory(
        upload_root(),
        file.file_path,
        mimetype=file.content_type,
        as_attachment=file.content_type == PDF,
        download_name=file.filename or None,
        max_age=0,
    )
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def keep_filters() -> dict:
    """The inbox's filters as they were asked for (bounded)."""
    return {
        "q": (request.args.get("q") or "").strip()[:100],
        "unread": request.args.get("unread") == "1",
    }
